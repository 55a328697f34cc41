"""The 差距分析 of a hardening run (playbooks/harden.yml): its audit after, and the 等保符合率 per host
class and overall, audit before → audit after of the same run (courtops/harden_audits.py).

For any other run both are what they were: all the run's findings, no before → after table.
"""

from __future__ import annotations

from typing import Any

from courtops.findings import Finding
from courtops.harden_audits import audited_findings, scores
from courtops.harden_scores import OVERALL
from courtops.store import Run, Store


def dengbao_findings(store: Store, run: Run | None) -> list[Finding]:
    """The findings the report judges: a hardening run's audit after (its audit before is the baseline
    of the before → after table, not a second copy of every item)."""
    return audited_findings(store, run) if run is not None else []


def class_label(cls: str) -> str:
    # imported here: the 巡检记录's module imports the report model, which imports this one
    from courtops.report.inspection import CLASS_NAMES

    return "全部主机" if cls == OVERALL else CLASS_NAMES.get(cls, cls)


def dengbao_harden(store: Store, run: Run) -> dict[str, Any]:
    rows = scores(store, run)
    return {
        "harden_scores": [
            {
                "label": class_label(r.cls),
                "hosts": r.hosts,
                "before": r.before,
                "after": r.after,
                "overall": r.cls == OVERALL,
            }
            for r in rows or ()
        ]
    }
