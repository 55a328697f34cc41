"""Incidents (故障记录): opened by a 故障 reading, closed when a later inspection finds it healthy.

An incident is keyed by (device, check[:item]). A check that was not judged this time (not in the
profile, the host unreachable, 未检) leaves its incident open: only a healthy reading closes one.
Manual incidents (logged by the engineer from the CLI) are never closed automatically.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from courtops.inspection.result import FAULT, UNCHECKED
from courtops.store import Incident, IncidentError, Store

MANUAL = "manual"


@dataclass(frozen=True)
class SyncResult:
    opened: list[int]
    closed: list[int]
    still_open: int
    #: in a dry run (--check): what would be opened ("device check") and closed (incident ids)
    would_open: list[str] = field(default_factory=list)
    would_close: list[int] = field(default_factory=list)


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
    *,
    dry_run: bool = False,
) -> SyncResult:
    """Open an incident for every 故障 reading; close open ones whose reading is now healthy.

    ``dry_run`` (Ansible's --check) writes nothing and says what would have been opened and closed.
    """
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

    open_now = store.incidents(open_only=True)
    already = {(i.device, i.check_name) for i in open_now}
    to_open = {key: metric for key, metric in faults.items() if key not in already}
    to_close = [
        i.id for i in open_now if not i.check_name.startswith(MANUAL) and (i.device, i.check_name) in healthy
    ]
    if dry_run:
        would_open = [f"{device} {check}" for device, check in to_open]
        return SyncResult([], [], len(open_now), would_open=would_open, would_close=to_close)
    opened = []
    for (device, check), metric in to_open.items():
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
    for incident_id in to_close:
        try:
            store.update_incident(incident_id, closed_at=now, closed_run_id=run_id)
        except IncidentError:
            continue  # closed meanwhile by the engineer, or a step recorded after `now`: theirs stands
        closed.append(incident_id)
    return SyncResult(opened=opened, closed=closed, still_open=len(store.incidents(open_only=True)))
