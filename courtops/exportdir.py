"""Export folders of runs: one unique directory per run and a ``latest`` link moved atomically.

Two audits writing to the same ``dengbao_output_dir`` in the same second used to share one
``<timestamp>/`` directory (one run's rows overwrote the other's) and raced on ``latest`` (issue 16.5).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

LATEST = "latest"


class ExportDirError(Exception):
    """The export folder cannot be used (e.g. ``latest`` is a real directory, not a link)."""


def run_dir_name(run_token: str = "", now: float | None = None) -> str:
    """``<UTC time>-<run token>``: sorts by time, and two runs in the same second differ."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    token = "".join(c for c in run_token if c.isalnum())[:12] or uuid.uuid4().hex[:12]
    return f"{stamp}-{token}"


def make_run_dir(out_dir: Path, run_token: str = "") -> Path:
    """Create this run's own directory under ``out_dir``; never one another run already made."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = run_dir_name(run_token)
    for attempt in range(100):
        path = out_dir / (name if attempt == 0 else f"{name}-{attempt}")
        try:
            path.mkdir()  # atomic: exactly one caller creates a given directory
        except FileExistsError:
            continue
        return path
    raise ExportDirError(f"{out_dir}: cannot create a directory of its own for this run ({name}-*)")


def point_latest(out_dir: Path, run_dir: Path) -> Path:
    """Repoint ``out_dir/latest`` at ``run_dir`` by renaming a new link over it (never missing or half-made)."""
    latest = out_dir / LATEST
    if latest.exists() and not latest.is_symlink():
        raise ExportDirError(f"{latest} is not a link; move it away so that it can point at the newest run")
    staging = out_dir / f".{LATEST}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    staging.symlink_to(run_dir.name)
    try:
        staging.replace(latest)
    except OSError:
        staging.unlink(missing_ok=True)
        raise
    return latest
