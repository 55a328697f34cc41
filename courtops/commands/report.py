"""`courtops report`: render a run's reports (HTML, XLSX, PDF) from the results store."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from courtops import REPO_ROOT
from courtops.cli import UserError
from courtops.court_time import fmt_day
from courtops.report import REPORTS, ReportError, write_report
from courtops.store.cli_args import add_store_args, open_run

FORMATS = ("html", "xlsx", "pdf")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(x.strip() for x in text.split(",") if x.strip())
    bad = [x for x in chosen if x not in FORMATS]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"formats are a comma list of {', '.join(FORMATS)}; got {text!r}")
    return chosen


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="render reports of a run (等保 差距分析 + 测评记录) as HTML / XLSX / PDF"
    )
    add_store_args(p)
    p.add_argument(
        "--report", choices=sorted(REPORTS), default="dengbao", help="which report (default dengbao)"
    )
    p.add_argument(
        "--format", type=_formats, help="comma list: html,xlsx,pdf (default: every format the report has)"
    )
    p.add_argument("--out", type=Path, help="output directory (default reports/<date>-run<id>/)")
    p.set_defaults(func=run)


def _output_directory(out: Path) -> None:
    """Create the output directory now: a bad --out is a clear error before anything is rendered."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot create the directory: {exc.strerror or exc}") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise UserError(f"--out {out}: the directory is not writable")


def run(args: argparse.Namespace) -> int:
    spec = REPORTS[args.report]
    if args.run == "latest" and not args.kind:
        args.kind = spec.run_kind  # the latest audit for 差距分析, the latest inspection for 巡检记录
    store, chosen = open_run(args)
    with store:
        if spec.has_data and not spec.has_data(store, chosen):
            raise UserError(
                f"run #{chosen.id} ({chosen.playbook or chosen.kind}) recorded nothing for the {spec.name} report; "
                f"choose a {spec.run_kind or 'suitable'} run with --run ID or --kind {spec.run_kind or 'KIND'}"
            )
        out = args.out or REPO_ROOT / "reports" / f"{fmt_day(chosen.started_at)}-run{chosen.id}"
        _output_directory(out)
        try:
            formats = args.format or tuple(f for f in FORMATS if f != "xlsx" or spec.xlsx)
            written = write_report(spec, store, chosen, out, formats)
        except ReportError as exc:
            raise UserError(str(exc)) from exc
    for path in written:
        print(path)
    return 0
