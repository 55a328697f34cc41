"""`courtops store migrate --to postgresql://…`: move an SQLite store's history into PostgreSQL."""

from __future__ import annotations

import argparse

from courtops.cli import UserError
from courtops.store import STORE_ENV, Store, StoreError, dialect, display, location
from courtops.store.transfer import copy_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("store", help="results store maintenance (move an SQLite store into PostgreSQL)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    migrate = actions.add_parser(
        "migrate", help="copy every run, result, incident, backup, drill … of an SQLite store into PostgreSQL"
    )
    migrate.add_argument(
        "--store", help=f"the SQLite store to copy (default: ${STORE_ENV}, else .cache/courtops.sqlite3)"
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="DSN",
        help="the new, empty PostgreSQL store: postgresql://user@host/db (password: ~/.pgpass or PGPASSWORD)",
    )
    migrate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = location(args.store)
    if isinstance(source, str):
        raise UserError(f"{display(source)}: the store to copy from is already PostgreSQL; give --store FILE")
    if not dialect.is_postgres(args.to):
        raise UserError(f"--to {display(args.to)}: not a PostgreSQL store (postgresql://user@host/db)")
    try:
        with Store(source, create=False) as src, Store(args.to) as dst:  # both at this courtops's schema
            copied = copy_store(src, dst)
            where = dst.path
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    total = sum(c.rows for c in copied)
    print(f"已迁移 {total} 行：{source} → {where}")
    for c in copied:
        print(f"  {c.table:20} {c.rows:>8}")
    return 0
