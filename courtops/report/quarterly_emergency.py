"""The quarterly report's 应急保障 section: the quarter's drills (all kinds) against the plan's recovery
targets, the spares below minimum stock at the quarter's end (or now, if earlier) and the part replacements.

A broken spares ledger or emergency plan does not stop the quarterly report: the section says what is
wrong (file:line) instead of showing an empty table that would read as "nothing to report".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from courtops.emergency import plan as emergency_plan
from courtops.emergency.drills import MET, judge
from courtops.emergency.stock import stock
from courtops.ledger.spares import DEFAULT_SPARES, read_spares
from courtops.store import Store
from courtops.store.emergency_stock import SUPPLIERS, replacements


def build_emergency(
    store: Store,
    start: float,
    end: float,
    *,
    spares_path: Path | None = None,
    plan_path: Path | None = None,
) -> dict[str, Any]:
    problems: list[str] = []
    try:
        plan: emergency_plan.Plan | None = emergency_plan.load(plan_path)
    except emergency_plan.PlanError as exc:
        plan, problems = None, [f"应急预案有误，演练无法与恢复时间目标对比：{exc}"]
    drills = [judge(d, plan) for d in store.drills(since=start, until=end)]
    spares = read_spares(spares_path or DEFAULT_SPARES)
    problems += [f"应急物资台账有误：{e}" for e in spares.errors]
    # a ledger with errors is not checked at all: a partial list would read as "the rest is fine"
    low = (
        [s for s in stock(spares.spares, store, at=min(end, time.time())) if s.below_minimum]
        if spares.ok
        else []
    )
    parts = replacements(store, since=start, until=end)
    return {
        "drills": drills,
        "drills_met": sum(1 for d in drills if d.verdict == MET),
        "spares_low": low,
        "spares_counted": len(spares.spares),
        "spares_ok": spares.ok,
        "parts": parts,
        "parts_total_yuan": sum(p.amount_fen for p in parts) / 100,
        "parts_pending": sum(1 for p in parts if p.approved_at is None),
        "suppliers": SUPPLIERS,
        "problems": problems,
    }
