"""`courtops harden scores [DIR]`: the 符合 share per host class and overall, before → after a hardening run.

DIR is the run's harden_output_dir (playbooks/harden.yml -e harden_output_dir=DIR): its audits are
DIR/audit-before/latest/findings.json and DIR/audit-after/latest/findings.json. Without DIR the two
audits come from the results store: the latest hardening run, or ``--run ID`` (courtops/harden_audits.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from courtops.cli import UserError
from courtops.harden_audits import HARDEN_KIND, scores
from courtops.harden_scores import host_classes, shares, table
from courtops.store.cli_args import add_store_args, open_run


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("harden", help="hardening results: the 符合 share before → after per host class")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser(
        "scores", help="the 符合 share per host class, audit before → after a hardening run"
    )
    s.add_argument(
        "dir",
        type=Path,
        nargs="?",
        help="the run's harden_output_dir (with audit-before/ and audit-after/); without it: the results store",
    )
    add_store_args(s)
    s.add_argument(
        "--inventory-json",
        type=Path,
        help="`ansible-inventory --list` output: the hosts' asset_class (else the platform is the class)",
    )
    s.set_defaults(func=run)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(
            f"{path}: not found (did the hardening run with its audits, without --skip-tags harden_audit?)"
        ) from exc
    except ValueError as exc:
        raise UserError(f"{path}: not JSON ({exc})") from exc


def _from_store(args: argparse.Namespace) -> int:
    if args.run == "latest" and not args.kind:
        args.kind = HARDEN_KIND
    store, chosen = open_run(args)
    with store:
        rows = scores(store, chosen)
    if rows is None:
        raise UserError(
            f"run #{chosen.id} ({chosen.playbook or chosen.kind}) has no audit before and after hardening"
            " (a playbooks/harden.yml run without --skip-tags harden_audit)"
        )
    print(f"加固运行 #{chosen.id}：")
    print("\n".join(table({r.cls: r.before for r in rows[:-1]}, {r.cls: r.after for r in rows[:-1]})))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.dir is None:
        return _from_store(args)
    before = _read(args.dir / "audit-before" / "latest" / "findings.json")
    after = _read(args.dir / "audit-after" / "latest" / "findings.json")
    if not isinstance(before, list) or not isinstance(after, list):
        raise UserError(f"{args.dir}: findings.json is not a list of findings")
    classes = host_classes(_read(args.inventory_json)) if args.inventory_json else {}
    print("\n".join(table(shares(before, classes), shares(after, classes))))
    return 0
