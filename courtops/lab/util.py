"""Small helpers: running commands with clear errors, progress lines on stderr, root check."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


class LabError(RuntimeError):
    """A lab operation failed; the message says which step and why."""


def pid_alive(pid: object) -> bool:
    """A process that runs. A zombie is dead: a container started by a long-lived process (the test
    session's lab fixture) stays a zombie child of it after it exits until that process reaps it, and
    a plain `/proc/<pid>` test would take the rebooted, exited container for a running one."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    # the command name (field 2) is in parentheses and may hold spaces: the state follows the last ')'
    return stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"])


def progress(msg: str) -> None:
    print(f"[lab {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def require_root(what: str) -> None:
    if os.geteuid() != 0:
        raise LabError(
            f"`{what}` needs root (it creates network namespaces, bridges, overlay mounts and "
            "containers); run it as root, e.g. `sudo .venv/bin/courtops lab up`"
        )


def run(
    cmd: Sequence[str], *, check: bool = True, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, input=input, check=False)
    if check and proc.returncode != 0:
        raise LabError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    return proc


def quiet(cmd: Sequence[str]) -> bool:
    """Run a clean-up command whose failure only means 'already gone'."""
    return run(cmd, check=False).returncode == 0
