"""Current stock of the emergency spares: the ledger's counted quantity plus the movements since the count."""

from __future__ import annotations

from dataclasses import dataclass

from courtops.ledger.spares import Spare
from courtops.store import Store
from courtops.store.emergency_stock import movements


@dataclass(frozen=True)
class Stock:
    spare: Spare
    taken: int  # items taken since the count
    restocked: int  # items restocked since the count

    @property
    def current(self) -> int:
        return self.spare.quantity - self.taken + self.restocked

    @property
    def below_minimum(self) -> bool:
        return self.current < self.spare.minimum


def stock(spares: list[Spare], store: Store | None, *, at: float | None = None) -> list[Stock]:
    """Each spare's stock at time ``at`` (default: now); without a store, the counted quantities.

    A movement counts when it happened on or after the spare's stocktake day and not after ``at``; a
    movement of a spare id no longer in the ledger is ignored here (``orphans`` lists it).
    """
    moved: dict[str, list[int]] = {s.id: [0, 0] for s in spares}
    counted_at = {s.id: s.counted_at for s in spares}
    for m in movements(store, until=at) if store is not None else []:
        if m.spare_id in moved and m.at >= counted_at[m.spare_id]:
            moved[m.spare_id][0 if m.delta < 0 else 1] += abs(m.delta)
    return [Stock(s, *moved[s.id]) for s in spares]


def orphans(spares: list[Spare], store: Store) -> list[str]:
    """Spare ids with movements in the store but no row in the ledger (renamed or removed rows)."""
    known = {s.id for s in spares}
    return sorted({m.spare_id for m in movements(store)} - known)
