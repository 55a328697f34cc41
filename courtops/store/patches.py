"""Patch results (补丁记录) as the store keeps them: one row per host and patch run."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

RESULTS = ("patched", "unchanged", "skipped", "failed", "planned")


@dataclass
class PatchResult:
    host: str
    result: str  # one of RESULTS
    started_at: float
    ended_at: float = field(default_factory=time.time)
    run_id: int | None = None
    zone: str = ""
    klass: str = ""
    ring: str = ""
    reason: str = ""
    blocked_by: str = ""
    security_only: bool = False
    updates: list[dict[str, Any]] = field(default_factory=list)
    pending: int | None = None
    pending_security: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    reboot_required: bool = False
    rebooted: bool = False
    id: int = 0

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"patch result must be one of {', '.join(RESULTS)}, not {self.result!r}")


#: store column → dataclass field (``class`` is a Python keyword)
PATCH_COLUMNS = (
    "run_id", "host", "zone", "class", "ring", "result", "reason", "blocked_by", "security_only", "updates",
    "pending", "pending_security", "versions", "reboot_required", "rebooted", "started_at", "ended_at",
)  # fmt: skip


def patch_row(r: PatchResult) -> tuple[Any, ...]:
    values = {
        **{c: getattr(r, c, None) for c in PATCH_COLUMNS if c != "class"},
        "class": r.klass,
        "security_only": int(r.security_only),
        "reboot_required": int(r.reboot_required),
        "rebooted": int(r.rebooted),
        "updates": json.dumps(r.updates, ensure_ascii=False),
        "versions": json.dumps(r.versions, ensure_ascii=False),
    }
    return tuple(values[c] for c in PATCH_COLUMNS)


def patch_from_row(row: dict[str, Any]) -> PatchResult:
    row = dict(row)
    row["klass"] = row.pop("class")
    for key in ("security_only", "reboot_required", "rebooted"):
        row[key] = bool(row[key])
    row["updates"] = json.loads(row["updates"] or "[]")
    row["versions"] = json.loads(row["versions"] or "{}")
    return PatchResult(**row)
