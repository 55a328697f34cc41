"""One device's backup, end to end on the controller: accept the capture and stage it in the repository.

The action plugin ``courtops_backup`` calls :func:`backup_device` per host (in parallel: staging only
writes the device's own files); the run's commit is ``BackupRepo.commit`` once at the end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from courtops.backup import vault
from courtops.backup.accept import DEFAULT_MAX_SHRINK, accept
from courtops.backup.capture import Capture
from courtops.backup.repo import BackupRepo


@dataclass
class DeviceResult:
    host: str
    ok: bool
    path: str
    changed: bool = False
    reasons: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def backup_device(
    capture: Capture, repo: BackupRepo, *, max_shrink: float = DEFAULT_MAX_SHRINK, check: bool = False
) -> DeviceResult:
    """Accept ``capture`` against the device's last good copy and stage it (``check``: say what
    would change, write nothing)."""
    path = repo.device_path(capture.site, capture.device_class, capture.host)
    previous = repo.current_full(path) if repo.exists() else None
    outcome = accept(capture, previous, max_shrink=max_shrink, mask_key=vault.mask_key())
    if not outcome.ok:
        return DeviceResult(capture.host, False, path, reasons=outcome.reasons)
    text = "".join(f"{rel}\0{body}" for rel, body in sorted(outcome.masked.items()))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if check:
        changed = previous != outcome.full
    else:
        repo.ensure()
        changed = repo.stage(path, outcome.masked, outcome.full)
    return DeviceResult(capture.host, True, path, changed, [], digest, len(text.encode("utf-8")))
