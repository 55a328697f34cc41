"""`courtops plan`: print the inspection plan (巡检计划) as a document."""

from __future__ import annotations

import argparse
from pathlib import Path

from courtops.cli import UserError
from courtops.inspection.plan import PLAN_FILE, PlanError, load_plan_file, plan_document


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("plan", help="巡检计划 / print the inspection plan (Markdown)")
    parser.add_argument("--file", type=Path, default=PLAN_FILE, help="plan data (default: %(default)s)")
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    parser.set_defaults(func=_plan)


def _plan(args: argparse.Namespace) -> int:
    try:
        text = plan_document(load_plan_file(args.file))
    except (OSError, KeyError, PlanError) as exc:
        raise UserError(f"{args.file}: {exc}") from exc
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
