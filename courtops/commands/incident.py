"""`courtops incident`: the engineer's fault log (故障记录) — list, open, respond, escalate, close.

Inspections open and close incidents themselves; faults reported by phone are logged here. The
timestamps measure the service commitments: response within 24 h, escalation within 1 h.
"""

from __future__ import annotations

import argparse
import time

from courtops.cli import UserError
from courtops.court_time import ZONE_NAME, fmt_minute
from courtops.inspection.incidents import MANUAL
from courtops.store import Incident, IncidentError, Store, StoreError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("incident", help="故障记录 / incidents: list, open, respond, escalate, close")
    parser.add_argument("--store", help="results store (default: as the recorder finds it)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list incidents (open ones with --open)")
    listing.add_argument("--open", action="store_true", help="only incidents not yet closed")
    listing.set_defaults(func=_list)

    opening = actions.add_parser("open", help="log a fault reported by phone or found on site")
    opening.add_argument("--device", required=True, help="inventory host name")
    opening.add_argument("--system", default="", help="business system, e.g. 智慧庭审")
    opening.add_argument("--message", required=True, help="what is wrong (中文)")
    opening.set_defaults(func=_open)

    for name, text in (("respond", "the engineer responded"), ("escalate", "escalated to more engineers"),
                       ("close", "the fault is resolved")):  # fmt: skip
        action = actions.add_parser(name, help=f"record that {text} (now)")
        action.add_argument("id", type=int)
        action.set_defaults(func=_stamp, field={"respond": "responded_at", "escalate": "escalated_at",
                                                "close": "closed_at"}[name])  # fmt: skip


def _store(args: argparse.Namespace, *, readonly: bool = False) -> Store:
    try:
        return Store(args.store, readonly=readonly)
    except StoreError as exc:
        raise UserError(str(exc)) from exc


def _list(args: argparse.Namespace) -> int:
    with _store(args, readonly=True) as store:
        incidents = store.incidents(open_only=args.open)
    print(f"# 时间均为{ZONE_NAME}")
    print("编号\t设备\t系统\t检查项\t开启时间\t响应时间\t升级时间\t关闭时间\t描述")
    for i in incidents:
        times = [fmt_minute(t) for t in (i.opened_at, i.responded_at, i.escalated_at, i.closed_at)]
        print("\t".join([str(i.id), i.device, i.system or "—", i.check_name, *times, i.message]))
    return 0


def _open(args: argparse.Namespace) -> int:
    with _store(args) as store:
        incident_id = store.open_incident(
            Incident(
                device=args.device,
                check_name=f"{MANUAL}:{int(time.time())}",
                opened_at=time.time(),
                system=args.system,
                severity="故障",
                message=args.message,
            )
        )
    print(incident_id)
    return 0


def _stamp(args: argparse.Namespace) -> int:
    with _store(args) as store:
        try:
            store.update_incident(args.id, **{args.field: time.time()})
        except IncidentError as exc:  # a repeat or a step out of order: the recorded time is kept
            raise UserError(str(exc)) from exc
    return 0
