"""Incidents (故障记录): opened by a 故障 reading, closed when a later inspection finds it healthy.

An incident is keyed by (device, check[:item]). A check that was not judged this time (not in the
profile, the host unreachable, 未检) leaves its incident open: only a healthy reading closes one.
Manual incidents (logged by the engineer from the CLI) are never closed automatically.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from courtops.inspection.result import FAULT, UNCHECKED
from courtops.store import Incident, IncidentError, Store

MANUAL = "manual"


@dataclass(frozen=True)
class SyncResult:
    opened: list[int]
    closed: list[int]
    still_open: int


def incident_key(metric: dict[str, Any]) -> str:
    labels = metric.get("labels") or {}
    item = labels.get("item") or ""
    return f"{metric['name']}:{item}" if item else str(metric["name"])


def sync(
    store: Store,
    metrics: Iterable[dict[str, Any]],
    systems: dict[str, str] | None = None,
    run_id: int | None = None,
    now: float | None = None,
) -> SyncResult:
    """Open an incident for every 故障 reading; close open ones whose reading is now healthy."""
    now = now or time.time()
    systems = systems or {}
    faults: dict[tuple[str, str], dict[str, Any]] = {}
    healthy: set[tuple[str, str]] = set()
    for metric in metrics:
        state = (metric.get("labels") or {}).get("state")
        key = (str(metric["host"]), incident_key(metric))
        if state == FAULT:
            faults[key] = metric
        elif state != UNCHECKED:
            healthy.add(key)

    opened = []
    already = {(i.device, i.check_name) for i in store.incidents(open_only=True)}
    for (device, check), metric in faults.items():
        if (device, check) in already:
            continue
        labels = metric.get("labels") or {}
        message = "：".join(
            x for x in (labels.get("title", ""), labels.get("remark") or metric.get("text", "")) if x
        )
        opened.append(
            store.open_incident(
                Incident(
                    device=device,
                    check_name=check,
                    opened_at=now,
                    system=systems.get(device, ""),
                    severity=FAULT,
                    message=message,
                    opened_run_id=run_id,
                )
            )
        )
    closed = []
    for incident in store.incidents(open_only=True):
        if incident.check_name.startswith(MANUAL):
            continue
        if (incident.device, incident.check_name) in healthy:
            try:
                store.update_incident(incident.id, closed_at=now, closed_run_id=run_id)
            except IncidentError:
                continue  # closed meanwhile by the engineer, or a step recorded after `now`: theirs stands
            closed.append(incident.id)
    return SyncResult(opened=opened, closed=closed, still_open=len(store.incidents(open_only=True)))
