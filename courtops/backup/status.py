"""Backup state in the results store: one attempt recorded, its incident opened or closed.

A rejected or failed backup opens an incident (故障记录) for the device under the check
``config_backup`` — through the inspection's own incident logic (``courtops.inspection.incidents.sync``),
so it is listed, responded to and closed like any inspection fault; the next good backup closes it.
"""

from __future__ import annotations

import time
from typing import Any

from courtops.inspection.incidents import sync
from courtops.inspection.result import FAULT, NORMAL
from courtops.store import BackupStatus, Store

#: The incident's check name (故障记录 → 检查项).
INCIDENT_CHECK = "config_backup"
INCIDENT_TITLE = "配置备份"


def record(
    store: Store,
    attempt: BackupStatus,
    *,
    changed: bool = False,
    sha256: str = "",
    size: int = 0,
    system: str = "",
    now: float | None = None,
) -> dict[str, Any]:
    """Record ``attempt`` and open (failed) or close (ok) the device's backup incident."""
    store.record_backup(attempt, changed=changed, sha256=sha256, size=size)
    failed = attempt.status != "ok"
    metric = {
        "host": attempt.host,
        "name": INCIDENT_CHECK,
        "text": attempt.reason,
        "labels": {"state": FAULT if failed else NORMAL, "title": INCIDENT_TITLE, "remark": attempt.reason},
    }
    outcome = sync(store, [metric], {attempt.host: system}, attempt.run_id, now or time.time())
    return {"opened": outcome.opened, "closed": outcome.closed}


def stale_days(status: BackupStatus, now: float | None = None) -> float | None:
    """Days since the last good backup (None: never backed up)."""
    if status.last_success is None:
        return None
    return max(0.0, ((now or time.time()) - status.last_success) / 86400)
