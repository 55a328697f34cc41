"""`courtops drill`: emergency drills (应急演练) — record a tabletop or manual drill, list drills.

Automated drills (the restore drill, the spare swap) record themselves through ``Store.add_drill``;
``drill list`` shows every kind, each judged against the plan's recovery target for its scenario.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from courtops.cli import UserError
from courtops.court_time import ZONE_NAME, fmt_minute
from courtops.emergency import plan as emergency_plan
from courtops.emergency.drills import judge
from courtops.emergency.timeparse import parse_duration, parse_time, quarter_span
from courtops.store import Drill, Store, StoreError

HAND_KINDS = ("tabletop", "manual")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("drill", help="应急演练 / emergency drills: record (tabletop, manual), list")
    parser.add_argument("--store", help="results store (default: as the recorder finds it)")
    parser.add_argument(
        "--plan", type=Path, default=emergency_plan.PLAN_FILE, help="emergency plan (default: %(default)s)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    record = actions.add_parser("record", help="record a tabletop or manual drill")
    record.add_argument(
        "--kind", choices=HAND_KINDS, required=True, help="tabletop 桌面推演 / manual 实操演练"
    )
    record.add_argument(
        "--scenario", required=True, help="scenario id of the emergency plan, e.g. server_down"
    )
    record.add_argument("--started", required=True, help="e.g. '2026-11-30 09:30' (北京时间)")
    record.add_argument("--ended", required=True, help="e.g. '2026-11-30 10:15' (北京时间)")
    record.add_argument(
        "--recovered-in", help="time to recover, e.g. 45m, 1h30m (when the drill measured it)"
    )
    record.add_argument("--result", choices=("ok", "failed"), required=True)
    record.add_argument("--title", default="", help="default: the scenario's title + the kind")
    record.add_argument("--target", default="", help="device or system drilled")
    record.add_argument("--participants", default="", help="roles taking part, e.g. 驻场工程师、信息技术部门")
    record.add_argument("--notes", default="")
    record.set_defaults(func=_record)

    listing = actions.add_parser("list", help="list drills (all kinds) with recovery time against the target")
    listing.add_argument("--quarter", help="e.g. 2026Q4 (default: all)")
    listing.set_defaults(func=_list)


def load_plan(path: Path) -> emergency_plan.Plan:
    try:
        return emergency_plan.load(path)
    except emergency_plan.PlanError as exc:
        raise UserError(f"invalid emergency plan:\n{exc}") from exc


def _record(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    scenario = plan.scenarios.get(args.scenario)
    if scenario is None:
        raise UserError(f"unknown scenario {args.scenario!r}; the plan has: {', '.join(plan.scenarios)}")
    try:
        started, ended = parse_time(args.started), parse_time(args.ended)
        recovery = parse_duration(args.recovered_in) if args.recovered_in else None
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if ended < started:
        raise UserError(f"--ended {args.ended} is before --started {args.started}")
    if recovery is not None and recovery > ended - started:
        raise UserError(
            f"--recovered-in {args.recovered_in} is longer than the drill itself ({args.started} – {args.ended})"
        )
    kind_name = "桌面推演" if args.kind == "tabletop" else "实操演练"
    drill = Drill(
        kind=args.kind,
        started_at=started,
        ended_at=ended,
        result=args.result,
        scenario=scenario.id,
        title=args.title or f"{scenario.title}{kind_name}",
        target=args.target,
        source="hand-recorded",
        recovery_s=recovery,
        participants=args.participants,
        notes=args.notes,
    )
    try:
        with Store(args.store) as store:
            drill_id = store.add_drill(drill)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    print(f"{drill_id}\t{judge(drill, plan).verdict}")
    return 0


def _list(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    since = until = None
    if args.quarter:
        try:
            _, since, until = quarter_span(args.quarter)
        except ValueError as exc:
            raise UserError(f"--quarter: {exc}") from exc
    try:
        with Store(args.store, readonly=True) as store:
            drills = store.drills(since=since, until=until)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    print(f"# 时间均为{ZONE_NAME}；恢复时间与目标单位：分钟")
    print("编号\t类型\t场景\t标题\t开始\t结束\t结果\t恢复时间\t目标\t评价\t参与人员")
    for d in drills:
        j = judge(d, plan)
        print(
            "\t".join(
                [
                    str(d.id),
                    j.kind_name,
                    j.scenario.title if j.scenario else (d.scenario or "—"),
                    d.title or "—",
                    fmt_minute(d.started_at),
                    fmt_minute(d.ended_at),
                    "成功" if d.result == "ok" else "失败",
                    _num(j.recovery_min),
                    _num(j.target_min),
                    j.verdict,
                    d.participants or "—",
                ]
            )
        )
    return 0


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
