"""The 季度运维服务报告's patch section (补丁管理情况): the patch state at the end of the quarter."""

from __future__ import annotations

import time
from typing import Any

from courtops.report.patch_compliance import summary
from courtops.store import Store


def quarterly_patch(store: Store, period: tuple[float, float]) -> dict[str, Any]:
    start, end = period
    return summary(store, now=min(end, max(start, time.time())))  # the quarter's end, or now within it
