"""`courtops emergency`: the emergency plan (应急预案) — check it, list its scenarios, render it (HTML, PDF)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from courtops import REPO_ROOT
from courtops.cli import UserError
from courtops.commands.drill import load_plan
from courtops.emergency import plan as emergency_plan
from courtops.report.emergency_plan import write_plan
from courtops.report.render import ReportError

FORMATS = ("html", "pdf")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("emergency", help="应急预案 / the emergency plan: check, scenarios, render")
    parser.add_argument("--plan", type=Path, default=emergency_plan.PLAN_FILE, help="default: %(default)s")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser(
        "check", help="validate the plan; list runbooks whose playbook is not there yet"
    ).set_defaults(func=_check)
    actions.add_parser("scenarios", help="list the scenarios and their recovery targets").set_defaults(
        func=_scenarios
    )
    render = actions.add_parser("render", help="write the 应急预案 as HTML and PDF")
    render.add_argument("--format", default="html,pdf", help="comma list of html,pdf (default: both)")
    render.add_argument(
        "--out", type=Path, default=REPO_ROOT / "reports" / "emergency", help="default: %(default)s"
    )
    render.set_defaults(func=_render)


def _check(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    missing = emergency_plan.missing_runbooks(plan)
    for rb in missing:
        users = [s.id for s in plan.scenarios.values() if any(st.runbook == rb.id for st in s.steps)]
        print(
            f"note: runbook {rb.id} ({rb.title}): {rb.playbook} is not in the repository yet "
            f"(named by {', '.join(users) or 'no scenario'})",
            file=sys.stderr,
        )
    if unfilled := emergency_plan.unfilled_contacts(plan):
        print(f"note: contacts still to be filled in by the court: {'、'.join(unfilled)}", file=sys.stderr)
    print(
        f"{plan.path}: {len(plan.scenarios)} scenarios, {len(plan.runbooks)} runbooks "
        f"({len(missing)} not yet available) OK (应急预案校验通过)"
    )
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    print("场景\t名称\t级别\t恢复时间目标（分钟）\t自动化处置脚本")
    for s in plan.scenarios.values():
        runbooks = sorted({st.runbook for st in s.steps if st.runbook})
        print(f"{s.id}\t{s.title}\t{s.severity}\t{s.recovery_target_min:g}\t{', '.join(runbooks) or '—'}")
    return 0


def _render(args: argparse.Namespace) -> int:
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or any(f not in FORMATS for f in formats):
        raise UserError(f"--format is a comma list of {', '.join(FORMATS)}; got {args.format!r}")
    plan = load_plan(args.plan)
    try:
        written = write_plan(plan, args.out, formats)
    except ReportError as exc:
        raise UserError(str(exc)) from exc
    for path in written:
        print(path)
    return 0
