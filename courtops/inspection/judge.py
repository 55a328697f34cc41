"""Turn raw readings into inspection results (正常 / 告警 / 故障 / 未检).

``judge()`` is pure and never raises on bad input: a reading that is missing or cannot be parsed
gives 未检 with the reason, never a false 正常. The checks themselves live in
``courtops/inspection/checks/`` (one module per family of the catalogue ``inspection/checks.yml``).
"""

from __future__ import annotations

from typing import Any

from courtops import failure_labels
from courtops.inspection import catalogue
from courtops.inspection.checks import REGISTRY, Context, Unreadable, level
from courtops.inspection.checks.base import Readings, Thresholds
from courtops.inspection.result import UNCHECKED, CheckResult

#: check id → Chinese title, as the reports show it (from the catalogue).
TITLES = catalogue.default().titles()

__all__ = ["TITLES", "Readings", "Thresholds", "Unreadable", "judge", "level"]


def judge(
    host: str,
    checks: list[str],
    readings: Readings,
    thresholds: Thresholds,
    settings: dict[str, Any] | None = None,
) -> list[CheckResult]:
    """Judge every planned check of one host. Unreachable hosts get one 故障 reachability result."""
    ctx = Context(
        host, readings if isinstance(readings, dict) else {}, thresholds, settings or {}, catalogue.default()
    )
    if ctx.r.get("unreachable") and not failure_labels.is_become_problem(ctx.r.get("msg")):
        return REGISTRY["reachability"](ctx)
    out: list[CheckResult] = []
    for check in checks:
        func = REGISTRY.get(check) if check in ctx.catalogue.checks else None
        if func is None:
            out.append(ctx.result(check, UNCHECKED, remark="未知的巡检项"))
            continue
        try:
            out.extend(func(ctx))
        except Unreadable as exc:
            out.append(ctx.result(check, UNCHECKED, remark=str(exc)))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
            out.append(ctx.result(check, UNCHECKED, remark=f"采集数据无法解析: {type(exc).__name__}"))
    return out
