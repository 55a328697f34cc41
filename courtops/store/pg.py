"""The results store on PostgreSQL (``COURTOPS_STORE=postgresql://…``), through psycopg 3.

``PgConnection`` answers the small part of ``sqlite3.Connection`` the store uses (``execute``,
``executemany``, rows read by name or position, ``lastrowid``), translating each statement once with
``courtops.store.dialect``; the store's code and schema stay one. Without psycopg or libpq5 the
SQLite default still works: only opening a PostgreSQL store needs them.

Writers take one transaction-scoped advisory lock (``WRITE_LOCK``) at BEGIN, as SQLite's
``BEGIN IMMEDIATE`` takes its write lock: one writer at a time per store, so the read-then-insert of
``open_incident`` or a migration's version check cannot race another controller. A writer's batch
is milliseconds; readers are never blocked.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from courtops.secrets import mask_text
from courtops.store import dialect

if TYPE_CHECKING:
    import psycopg

#: pg_advisory_xact_lock key of the store's writers (any constant: the lock is per database)
WRITE_LOCK = 0x636F7572  # "cour"


class PgRow(tuple[Any, ...]):
    """A row readable like sqlite3.Row: by position, by column name, and as ``dict(row)``."""

    _names: tuple[str, ...] = ()

    def keys(self) -> tuple[str, ...]:
        return self._names

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)


def _value(v: Any) -> Any:
    # SUM over integers is numeric in PostgreSQL; SQLite gives an int
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _row_factory(cursor: Any) -> Any:
    names = tuple(c.name for c in cursor.description or ())

    def make(values: Sequence[Any]) -> PgRow:
        row = PgRow(_value(v) for v in values)
        row._names = names
        return row

    return make


def _param(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v  # SQLite's booleans are integers; so are the columns


def _params(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: _param(v) for k, v in params.items()}
    return [_param(v) for v in params]


class PgCursor:
    def __init__(self, cursor: Any, lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)


class PgConnection:
    """A psycopg connection in autocommit mode; the store issues BEGIN / COMMIT itself."""

    def __init__(self, conn: psycopg.Connection[Any], id_tables: frozenset[str]) -> None:
        self.conn = conn
        self._id_tables = id_tables

    def execute(self, sql: str, params: Any = None) -> PgCursor:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            cur = self.conn.execute("BEGIN")
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return PgCursor(cur)
        text = dialect.query(sql)
        table = dialect.inserted_table(sql)
        if table in self._id_tables and "RETURNING" not in text.upper():
            cur = self.conn.cursor(row_factory=_row_factory)
            cur.execute(text + " RETURNING id", _params(params))  # type: ignore[arg-type]
            row = cur.fetchone()
            return PgCursor(cur, int(row[0]) if row else None)
        cur = self.conn.cursor(row_factory=_row_factory)
        cur.execute(text, _params(params))  # type: ignore[arg-type]
        return PgCursor(cur)

    def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        rows = [_params(r) for r in rows]
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(dialect.query(sql), rows)  # type: ignore[arg-type]

    def close(self) -> None:
        self.conn.close()


def connect(dsn: str, *, readonly: bool, id_tables: frozenset[str]) -> PgConnection:
    """Open ``dsn``; a read-only connection refuses every write in the database itself."""
    try:
        import psycopg
    except ImportError as exc:  # psycopg is pinned; libpq5 is a Debian package
        raise ConnectionError(f"PostgreSQL store needs psycopg and libpq5: {exc}") from exc
    options = "-c default_transaction_read_only=on" if readonly else ""
    try:
        conn = psycopg.connect(dsn, autocommit=True, options=options, connect_timeout=30)
    except psycopg.Error as exc:
        raise ConnectionError(mask_text(f"cannot connect: {exc}").strip()) from None
    return PgConnection(conn, id_tables)


def errors() -> tuple[type[Exception], ...]:
    """psycopg's base error, for ``except`` clauses that must not import psycopg at module level."""
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.Error,)


def integrity_errors() -> tuple[type[Exception], ...]:
    """psycopg's IntegrityError (constraints and the store's triggers), or nothing without psycopg."""
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.IntegrityError,)


def table_names(db: PgConnection) -> set[str]:
    rows = db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return {r[0] for r in rows}


def schema_version(db: PgConnection) -> int:
    if dialect.VERSION_TABLE not in table_names(db):
        return 0
    row = db.execute(f"SELECT version FROM {dialect.VERSION_TABLE}").fetchone()
    return int(row[0]) if row else 0


def set_schema_version(db: PgConnection, number: int) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {dialect.VERSION_TABLE} (version BIGINT NOT NULL)")
    db.execute(f"DELETE FROM {dialect.VERSION_TABLE}")
    db.execute(f"INSERT INTO {dialect.VERSION_TABLE} (version) VALUES (?)", (number,))


def reset_identities(db: PgConnection, tables: Iterable[str]) -> None:
    """After rows were copied with their ids: new rows continue after the highest id."""
    for table in tables:
        db.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
            f" FROM {table}"
        )
