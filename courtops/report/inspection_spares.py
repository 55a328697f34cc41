"""The 巡检记录's 应急物资库存 section: every spare below its minimum stock is a 告警.

The stock is taken as it was when the inspection ended (movements after that are not counted), so
re-rendering an old inspection shows what that inspection saw. A spares ledger with errors is shown
as 未检 with its file:line problems: absence of data is never reported as 正常.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from courtops.emergency.stock import stock
from courtops.inspection.result import NORMAL, UNCHECKED, WARNING
from courtops.ledger.spares import DEFAULT_SPARES, read_spares
from courtops.store import Run, Store


def build_spares_check(store: Store, run: Run, spares_path: Path | None = None) -> dict[str, Any]:
    ledger = read_spares(spares_path or DEFAULT_SPARES)
    at = run.ended_at or time.time()
    rows = stock(ledger.spares, store, at=at) if ledger.ok else []
    low = [s for s in rows if s.below_minimum]
    state = UNCHECKED if not ledger.ok else WARNING if low else NORMAL
    return {
        "state": state,
        "at": at,
        "low": low,
        "count": len(rows),
        "errors": [str(e) for e in ledger.errors],
        "path": str(spares_path or DEFAULT_SPARES),
    }
