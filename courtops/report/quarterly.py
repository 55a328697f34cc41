"""季度运维服务报告 (quarterly service report): the quarter that contains the chosen inspection run.

From the results store: the inspections of the quarter and their results, the state of each business
system, the incidents (故障记录) opened and closed in the quarter with response and escalation times
against the commitments (respond within 24 h, escalate within 1 h of an unresolved fault), and the
latest 等保 audit estimate. Optimisation measures and satisfaction are the engineer's words and are
left as sections to fill in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from typing import Any

from courtops.inspection.result import FAULT, NORMAL, WARNING
from courtops.report.model import RUN_STATUS
from courtops.report.quarterly_emergency import build_emergency
from courtops.report.quarterly_patch import quarterly_patch
from courtops.report.render import CST
from courtops.report.scoring import control_point_scores, overall_estimate
from courtops.report.systems import OTHER, SEED_SYSTEMS, system_of
from courtops.runkinds import kind_of_report
from courtops.store import Incident, Run, Store

RESPOND_WITHIN_H = 24.0
ESCALATE_WITHIN_H = 1.0


def quarter_bounds(ts: float) -> tuple[str, float, float]:
    """('2026年第4季度', start, end) of the quarter (Beijing time) containing ``ts``."""
    day = dt.datetime.fromtimestamp(ts, CST)
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.datetime(day.year, first_month, 1, tzinfo=CST)
    end = dt.datetime(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1, tzinfo=CST)
    return f"{day.year}年第{(first_month - 1) // 3 + 1}季度", start.timestamp(), end.timestamp()


def _hours(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else round((end - start) / 3600, 1)


def _incident_row(i: Incident) -> dict[str, Any]:
    respond = _hours(i.opened_at, i.responded_at)
    return {
        "incident": i,
        "respond_h": respond,
        "duration_h": _hours(i.opened_at, i.closed_at),
        "respond_ok": respond is not None and respond <= RESPOND_WITHIN_H,
    }


def build_quarterly(store: Store, run: Run) -> dict[str, Any]:
    label, start, end = quarter_bounds(run.started_at)
    runs = [
        r for r in store.runs(kind=kind_of_report("inspection"), limit=1000) if start <= r.started_at < end
    ]
    inspections = []
    systems: dict[str, Counter[str]] = defaultdict(Counter)
    for r in sorted(runs, key=lambda r: r.started_at):
        hosts = {h.name: h for h in store.hosts(r.id)}
        worst: dict[str, str] = {}
        for m in store.metrics(r.id):
            state = m.labels.get("state")
            if state in (NORMAL, WARNING, FAULT):
                order = (NORMAL, WARNING, FAULT)
                worst[m.host] = max(worst.get(m.host, NORMAL), state, key=order.index)
        counts = Counter(worst.values())
        for host, state in worst.items():
            system = system_of(hosts[host].asset if host in hosts else {}) or OTHER
            systems[system][state] += 1
        inspections.append(
            {
                "run": r,
                "devices": len(worst),
                "counts": {s: counts.get(s, 0) for s in (NORMAL, WARNING, FAULT)},
            }
        )
    for name in SEED_SYSTEMS if inspections else ():  # every seed system, none inspected shows zeros
        systems.setdefault(name, Counter())
    incidents = [
        i
        for i in store.incidents()
        if start <= i.opened_at < end or (i.closed_at is None and i.opened_at < end)
    ]
    rows = [_incident_row(i) for i in incidents]
    responded = [r for r in rows if r["respond_h"] is not None]
    audits = [a for a in store.runs(kind=kind_of_report("dengbao"), limit=1000) if a.started_at < end]
    audit = audits[0] if audits else None
    findings = store.findings(audit.id) if audit else []
    return {
        "title": "季度运维服务报告",
        "run": run,
        "run_status": RUN_STATUS.get(run.status, run.status),
        "generated_at": time.time(),
        "quarter": label,
        "period": (start, end),
        "inspections": inspections,
        "systems": [
            (name, {s: c.get(s, 0) for s in (NORMAL, WARNING, FAULT)}) for name, c in sorted(systems.items())
        ],
        "incidents": rows,
        "incident_totals": {
            "opened": sum(1 for i in incidents if start <= i.opened_at < end),
            "closed": sum(1 for i in incidents if i.closed_at is not None and start <= i.closed_at < end),
            "open": sum(1 for i in incidents if i.closed_at is None),
            "responded_in_time": sum(1 for r in responded if r["respond_ok"]),
            "responded": len(responded),
            "escalated": sum(1 for i in incidents if i.escalated_at is not None),
        },
        "commitments": {"respond_h": RESPOND_WITHIN_H, "escalate_h": ESCALATE_WITHIN_H},
        "audit": audit,
        "audit_estimate": overall_estimate(control_point_scores(findings)) if findings else None,
        "emergency": build_emergency(store, start, end),
        **quarterly_patch(store, (start, end)),
    }
