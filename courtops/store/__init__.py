"""The results store (SQLite): what the recorder writes and every report reads."""

from courtops.store.migrations import SCHEMA_VERSION
from courtops.store.patches import PatchResult
from courtops.store.store import (
    BACKUP_STATUS_SINCE,
    DEFAULT_STORE,
    STORE_ENV,
    Backup,
    BackupStatus,
    Drill,
    HostInfo,
    HostStats,
    Incident,
    IncidentError,
    Metric,
    Run,
    RunInfo,
    Store,
    StoreError,
    TaskResult,
    default_path,
)

__all__ = [
    "BACKUP_STATUS_SINCE",
    "DEFAULT_STORE",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "Backup",
    "BackupStatus",
    "Drill",
    "HostInfo",
    "HostStats",
    "Incident",
    "IncidentError",
    "Metric",
    "PatchResult",
    "Run",
    "RunInfo",
    "Store",
    "StoreError",
    "TaskResult",
    "default_path",
]
