"""The 巡检记录's patch section (补丁状态): the patch state when the inspection ran."""

from __future__ import annotations

from typing import Any

from courtops.report.patch_compliance import summary
from courtops.store import Run, Store


def inspection_patch(store: Store, run: Run) -> dict[str, Any]:
    return summary(store, now=run.ended_at or run.started_at)
