"""`courtops harden scores DIR`: the 符合 share per host class before → after a hardening run.

DIR is the run's harden_output_dir (playbooks/harden.yml -e harden_output_dir=DIR): its audits are
DIR/audit-before/latest/findings.json and DIR/audit-after/latest/findings.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from courtops.cli import UserError
from courtops.harden_scores import host_classes, shares, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("harden", help="hardening results: the 符合 share before → after per host class")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser(
        "scores", help="the 符合 share per host class, audit before → after a hardening run"
    )
    s.add_argument("dir", type=Path, help="the run's harden_output_dir (with audit-before/ and audit-after/)")
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


def run(args: argparse.Namespace) -> int:
    before = _read(args.dir / "audit-before" / "latest" / "findings.json")
    after = _read(args.dir / "audit-after" / "latest" / "findings.json")
    if not isinstance(before, list) or not isinstance(after, list):
        raise UserError(f"{args.dir}: findings.json is not a list of findings")
    classes = host_classes(_read(args.inventory_json)) if args.inventory_json else {}
    print("\n".join(table(shares(before, classes), shares(after, classes))))
    return 0
