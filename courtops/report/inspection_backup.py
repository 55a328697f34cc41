"""巡检记录 section: configuration changes since the previous inspection, and devices whose last good
configuration backup is older than the threshold (or failed).

The diffs come from the backup repository's masked copies (no secret: docs/backup.md); the states from
the results store's backup_status table. A store or a repository without backups gives an empty
section that says so — never a claim that nothing changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from courtops.backup import settings
from courtops.backup.repo import BackupRepo, DeviceChange, RepoError, default_path
from courtops.backup.status import stale_days
from courtops.store import Run, Store

#: A device's diff is cut after this many lines in the report (the whole diff: `courtops backup diff`).
MAX_DIFF_LINES = 200


@dataclass(frozen=True)
class StaleDevice:
    host: str
    platform: str
    last_success: float | None
    days: float | None
    status: str
    reason: str


def _change(change: DeviceChange) -> dict[str, Any]:
    lines = [x for x in change.diff.splitlines() if not x.startswith(("diff --git", "index "))]
    return {
        "host": change.host,
        "path": change.path,
        "revisions": change.revisions,
        "lines": lines[:MAX_DIFF_LINES],
        "cut": len(lines) > MAX_DIFF_LINES,
    }


def backup_section(store: Store, run: Run, previous: Run | None, now: float | None = None) -> dict[str, Any]:
    """The section's context (key ``config_backup`` of the 巡检记录)."""
    now = now or time.time()
    threshold = settings.stale_days()
    repo = BackupRepo(default_path(store.path))
    since = previous.started_at if previous else None
    try:
        changes = repo.changes_since(since)
    except RepoError as exc:  # a damaged repository is said, not hidden
        changes, error = [], str(exc)
    else:
        error = ""
    statuses = store.backup_statuses()
    stale = []
    for s in statuses:
        days = stale_days(s, now)
        if s.status != "ok" or days is None or days > threshold:
            stale.append(StaleDevice(s.host, s.platform, s.last_success, days, s.status, s.reason))
    return {
        "since": since,
        "repo_exists": repo.exists(),
        "error": error,
        "threshold_days": threshold,
        "changes": [_change(c) for c in changes],
        "devices": len(statuses),
        "stale": stale,
    }
