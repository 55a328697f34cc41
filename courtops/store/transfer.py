"""Move an SQLite store's whole history into a new PostgreSQL store (``courtops store migrate``).

Every table of the schema is copied row by row with its ids, so references (a finding's run, an
incident's opening run, a part replacement's incident) stay what they were; the identity sequences
then continue after the highest id. The copy is one transaction in the target: a failure leaves the
target as empty as it was. A target that already holds anything is refused — copying twice would
double the history, and merging two histories is not a copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from courtops.store import dialect, pg
from courtops.store.migrations import MIGRATIONS, SCHEMA_VERSION
from courtops.store.store import Store, StoreError

_CREATE = re.compile(r"CREATE TABLE (\w+) \(")
#: rows read and written at a time (task_results of a year of inspections is large)
CHUNK = 2000


def schema_tables() -> list[str]:
    """The store's tables in the order the migrations create them: a table's references come first."""
    return [m.group(1) for script in MIGRATIONS for m in _CREATE.finditer(script)]


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def _columns(store: Store, table: str) -> list[str]:
    if store.is_postgres:
        rows = store.db.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in rows]
    return [r[1] for r in store.db.execute(f"PRAGMA table_info({table})")]


def _count(store: Store, table: str) -> int:
    return int(store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _chunks(source: Store, table: str, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    last: Any = None
    order = "id" if "id" in columns else columns[0]
    while True:  # keyset paging: no cursor held open across the target's writes
        where, args = "", [CHUNK]
        if last is not None:
            where, args = f" WHERE {order} > ?", [last, CHUNK]
        rows = source.db.execute(
            f"SELECT {quoted} FROM {table}{where} ORDER BY {order} LIMIT ?", args
        ).fetchall()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        last = rows[-1][columns.index(order)]


def copy_store(source: Store, target: Store) -> list[Copied]:
    """Copy every table of ``source`` (SQLite) into ``target`` (PostgreSQL, empty); the rows per table."""
    if source.version != SCHEMA_VERSION or target.version != SCHEMA_VERSION:
        raise StoreError(
            f"schema versions differ (source {source.version}, target {target.version}, this courtops "
            f"{SCHEMA_VERSION}): open both with this courtops first"
        )
    tables = schema_tables()
    held = {t: n for t in tables if (n := _count(target, t))}
    if held:
        what = ", ".join(f"{t} {n}" for t, n in held.items())
        raise StoreError(
            f"{target.path}: the target store is not empty ({what}); "
            "migrate only into a new, empty store (nothing was copied)"
        )
    copied = []
    if not source.is_postgres:
        source.db.execute("BEGIN")  # one snapshot of the source, even while a recorder writes to it
    try:
        copied = _copy(source, target, tables)
    finally:
        if not source.is_postgres:
            source.db.execute("ROLLBACK")
    for c in copied:  # read back: the target holds exactly what the source held
        if _count(target, c.table) != c.rows:
            raise StoreError(f"{target.path}: {c.table} holds {_count(target, c.table)} rows, not {c.rows}")
    return copied


def _copy(source: Store, target: Store, tables: list[str]) -> list[Copied]:
    copied = []
    with target.transaction() as db:
        for table in tables:
            columns = _columns(source, table)
            missing = set(columns) - set(_columns(target, table))
            if missing:
                raise StoreError(f"{target.path}: table {table} has no column {sorted(missing)}")
            marks = ", ".join("?" for _ in columns)
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            n = 0
            for rows in _chunks(source, table, columns):
                db.executemany(insert, rows)
                n += len(rows)
            copied.append(Copied(table, n))
        if isinstance(db, pg.PgConnection):
            pg.reset_identities(db, [t for t in tables if t in dialect.tables_with_id(MIGRATIONS)])
    return copied
