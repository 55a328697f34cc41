"""Emergency stock in the results store: spare movements (应急物资出入库) and part replacements (配件更换记录).

The spares ledger (``inventory/court/spares.csv``) holds what was counted at the last stocktake; this
module records what happened after it. Both are append-only: a movement is never changed or deleted
(a wrong take is corrected by a restock with a note), and a replacement only gains its approval, once.
Readers of a store older than these tables get empty lists, as ``Store.drills`` does.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from courtops.court_time import fmt_time
from courtops.store.store import Store, StoreError

#: The schema version that added spare_movements and part_replacements.
EMERGENCY_STOCK_SINCE = 5
SUPPLIERS = {"vendor": "运维服务商", "court": "法院自购"}


class StockError(StoreError):
    """A movement or replacement the store refuses (unknown incident, approval repeated, ...)."""


@dataclass
class SpareMovement:
    spare_id: str
    delta: int  # negative: taken; positive: restocked
    at: float = field(default_factory=time.time)
    incident_id: int | None = None
    device: str = ""
    note: str = ""
    id: int = 0


@dataclass
class PartReplacement:
    part: str
    device: str
    quantity: int
    unit_price_fen: int  # agreed price per unit in fen (0.01 CNY): money is never a float
    supplied_by: str  # vendor / court
    replaced_at: float
    incident_id: int | None = None
    spare_id: str = ""
    notes: str = ""
    recorded_at: float = field(default_factory=time.time)
    approved_by: str | None = None
    approved_at: float | None = None
    id: int = 0

    @property
    def amount_fen(self) -> int:
        return self.quantity * self.unit_price_fen


def has_tables(store: Store) -> bool:
    return store.version >= EMERGENCY_STOCK_SINCE


def _check_incident(store: Store, incident_id: int | None) -> None:
    if incident_id is None:
        return
    if store.db.execute("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone() is None:
        raise StockError(f"no incident {incident_id} in {store.path} (courtops incident list)")


def _insert(store: Store, table: str, record: SpareMovement | PartReplacement) -> int:
    data = asdict(record)
    data.pop("id")
    cur = store.db.execute(
        f"INSERT INTO {table} ({', '.join(data)}) VALUES ({', '.join('?' for _ in data)})",
        list(data.values()),
    )
    return int(cur.lastrowid or 0)


@dataclass(frozen=True)
class Count:
    """A spare's stocktake from the ledger: ``quantity`` counted on the day starting at ``counted_at``."""

    quantity: int
    counted_at: float


def _check_take(store: Store, movement: SpareMovement, count: Count | None) -> None:
    """Under the write lock: a take never brings the stock below zero (two engineers taking the last one)."""
    if count is None or movement.delta > 0 or movement.at < count.counted_at:
        return  # a restock, or a take from before the stocktake: already in the counted quantity
    moved = store.db.execute(
        "SELECT COALESCE(SUM(delta), 0) FROM spare_movements WHERE spare_id = ? AND at >= ?",
        (movement.spare_id, count.counted_at),
    ).fetchone()[0]
    current = count.quantity + int(moved)
    if current + movement.delta < 0:
        raise StockError(f"{movement.spare_id} has {current} in stock; cannot take {-movement.delta}")


def add_movement(store: Store, movement: SpareMovement, count: Count | None = None) -> int:
    """Record a take (delta < 0, naming the incident and device) or a restock (delta > 0).

    With the spare's ``count`` a take that would leave less than nothing is refused, checked in the
    same transaction as the insert.
    """
    if movement.delta == 0:
        raise StockError("a movement moves at least one item")
    if movement.delta < 0 and (movement.incident_id is None or not movement.device):
        raise StockError("taking a spare names the incident (故障编号) and the device it serves")
    with store.transaction():
        _check_incident(store, movement.incident_id)
        _check_take(store, movement, count)
        return _insert(store, "spare_movements", movement)


def movements(
    store: Store, *, spare_id: str | None = None, until: float | None = None
) -> list[SpareMovement]:
    """Movements, oldest first; ``until`` leaves out those after that time."""
    if not has_tables(store):
        return []
    sql = "SELECT * FROM spare_movements WHERE at <= ?"
    args: list[float | str] = [until if until is not None else float("inf")]
    if spare_id is not None:
        sql, args = sql + " AND spare_id = ?", [*args, spare_id]
    return [SpareMovement(**dict(r)) for r in store.db.execute(sql + " ORDER BY at, id", args)]


def add_replacement(
    store: Store, replacement: PartReplacement, take: SpareMovement | None = None, count: Count | None = None
) -> int:
    """Record a replacement, and with ``take`` the spare it used (checked against ``count``), in one transaction."""
    if replacement.supplied_by not in SUPPLIERS:
        raise StockError(f"supplied by must be vendor or court, not {replacement.supplied_by!r}")
    if replacement.quantity <= 0:
        raise StockError("a replacement is of at least one part")
    if replacement.unit_price_fen < 0:
        raise StockError("a price cannot be negative")
    with store.transaction():
        _check_incident(store, replacement.incident_id)
        if take is not None:
            _check_take(store, take, count)
            _insert(store, "spare_movements", take)
        return _insert(store, "part_replacements", replacement)


def approve_replacement(store: Store, replacement_id: int, approved_by: str, approved_at: float) -> None:
    """The court's approval (审批): who and when, recorded once."""
    if not approved_by.strip():
        raise StockError("approval names who approved (审批人)")
    with store.transaction() as db:
        row = db.execute("SELECT * FROM part_replacements WHERE id = ?", (replacement_id,)).fetchone()
        if row is None:
            raise StockError(f"no part replacement {replacement_id}")
        if row["approved_at"] is not None:
            raise StockError(
                f"part replacement {replacement_id} was already approved by {row['approved_by']} "
                f"at {fmt_time(row['approved_at'])}; an approval is recorded once"
            )
        db.execute(
            "UPDATE part_replacements SET approved_by = ?, approved_at = ? WHERE id = ?",
            (approved_by.strip(), approved_at, replacement_id),
        )


def replacements(
    store: Store, *, since: float | None = None, until: float | None = None, pending_only: bool = False
) -> list[PartReplacement]:
    """Replacements made in [since, until), oldest first; ``pending_only``: not yet approved."""
    if not has_tables(store):
        return []
    sql = "SELECT * FROM part_replacements WHERE replaced_at >= ? AND replaced_at < ?"
    if pending_only:
        sql += " AND approved_at IS NULL"
    rows = store.db.execute(
        sql + " ORDER BY replaced_at, id",
        (since if since is not None else float("-inf"), until if until is not None else float("inf")),
    )
    return [PartReplacement(**dict(r)) for r in rows]
