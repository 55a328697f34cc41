"""`courtops ledger`: check the asset ledger, print its column reference, regenerate the example."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from courtops import REPO_ROOT
from courtops.cli import UserError
from courtops.ledger import load_plan, read_ledger, schema
from courtops.ledger.example import generate, to_csv
from courtops.ledger.plan import PlanError

DEFAULT_LEDGER = REPO_ROOT / "inventory" / "court" / "assets.csv"
DEFAULT_PLAN = REPO_ROOT / "inventory" / "court" / "address_plan.yml"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("ledger", help="资产台账 / the asset ledger: check, columns, example")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="validate a ledger and print every problem (exit 1 if any)")
    check.add_argument("file", type=Path, nargs="?", default=DEFAULT_LEDGER)
    check.add_argument("--plan", type=Path, default=DEFAULT_PLAN, help="address plan (default: %(default)s)")
    check.set_defaults(func=_check)

    columns = actions.add_parser("columns", help="print the ledger's columns (Chinese and English)")
    columns.set_defaults(func=_columns)

    example = actions.add_parser(
        "example", help="print the generated example ledger (the requirement's estate)"
    )
    example.add_argument("--plan", type=Path, default=DEFAULT_PLAN)
    example.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    example.set_defaults(func=_example)


def _plan(path: Path):
    try:
        return load_plan(path)
    except PlanError as exc:
        raise UserError(f"invalid address plan:\n{exc}") from exc


def _check(args: argparse.Namespace) -> int:
    plan = _plan(args.plan)
    result = read_ledger(args.file, plan)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in result.errors:
        print(error, file=sys.stderr)
    if result.errors:
        print(
            f"{args.file}: {len(result.errors)} problem(s); no device was loaded from a bad row",
            file=sys.stderr,
        )
        return 1
    by_class = Counter(a.cls for a in result.assets)
    by_zone = Counter(a.zone for a in result.assets)
    print(
        f"{args.file}: {len(result.assets)} devices OK from {result.device_lines} data lines (台账校验通过)"
    )
    print("  zones:   " + ", ".join(f"{k} {v}" for k, v in sorted(by_zone.items())))
    print("  classes: " + ", ".join(f"{k} {v}" for k, v in sorted(by_class.items())))
    return 0


def _columns(_args: argparse.Namespace) -> int:
    print("列名 (key)\t必填\t说明 / meaning")
    for c in schema.COLUMNS:
        print(f"{c.label} ({c.key})\t{'是' if c.required else '否'}\t{c.help_zh} / {c.help_en}")
    return 0


def _example(args: argparse.Namespace) -> int:
    text = to_csv(generate(_plan(args.plan)))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
