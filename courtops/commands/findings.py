"""`courtops findings`: every finding of a run as JSON or CSV (the published export contract)."""

from __future__ import annotations

import argparse
import sys

from courtops.cli import UserError
from courtops.export import write_findings
from courtops.runkinds import findings_kinds
from courtops.store import Store, StoreError
from courtops.store.cli_args import add_store_args, open_run


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "findings",
        help="export the findings of a run (JSON / CSV); default: the newest run that has findings",
    )
    add_store_args(p)
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.run == "latest" and not args.kind:
        # "the latest findings": the newest run that has any, not a later inspection without findings
        try:
            with Store(args.store, readonly=True) as probe:
                newest = probe.latest_run_with_findings()
        except StoreError as exc:
            raise UserError(str(exc)) from exc
        if newest is not None:
            args.run = str(newest.id)
        else:  # nothing has findings yet: say there is no audit, rather than export an empty inspection
            args.kind = findings_kinds()[0]
    store, chosen = open_run(args)
    with store:
        rows = [f.export() for f in store.findings(chosen.id)]
    write_findings(rows, args.format, sys.stdout)
    return 0
