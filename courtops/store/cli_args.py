"""Options every store-reading command shares (--store, --run, --kind)."""

from __future__ import annotations

import argparse

from courtops.cli import UserError
from courtops.store import STORE_ENV, Run, Store, StoreError


def add_store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        help=f"results store (default: ${STORE_ENV}, else .cache/courtops.sqlite3 in the repository)",
    )
    parser.add_argument("--run", default="latest", help="run id, uuid or 'latest' (default)")
    parser.add_argument("--kind", help="with --run latest: the latest run of this kind (audit, inspect, ...)")


def open_run(args: argparse.Namespace) -> tuple[Store, Run]:
    try:
        store = Store(args.store, readonly=True)  # a reader: never migrates, never writes
        return store, store.get_run(args.run, kind=args.kind)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
