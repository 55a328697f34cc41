"""Store access for Ansible plugins: in a fresh process, never in the forked worker itself.

Ansible's workers are forked from the multi-threaded controller (the recorder's writer thread), so
they must not use SQLite (``courtops.store.forkguard``). This module runs the store work as
``python -m courtops.store.subprocess_ops`` (fork + exec: nothing inherited but the environment),
with a hard timeout, and imports nothing that holds locks. Plugins import only this module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: A store operation takes well under a second; a locked store waits up to SQLite's 30 s busy timeout.
DEFAULT_TIMEOUT = 90.0
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
#: Set by the recorder callback in the controller when a run starts; inherited by forked workers, so
#: the plugins of a run use the store the recorder writes to and know the run they belong to.
RUN_STORE_ENV = "COURTOPS_RUN_STORE"
RUN_UUID_ENV = "COURTOPS_RUN_UUID"


class StoreAccessError(Exception):
    """The store operation failed, timed out or answered nonsense; the message says which."""


def run_context(store: str | None = None) -> dict[str, str]:
    """The store (an explicit one wins, else the recorder's of this run) and the current run's uuid."""
    return {
        "store": store or os.environ.get(RUN_STORE_ENV, ""),
        "run_uuid": os.environ.get(RUN_UUID_ENV, ""),
    }


def call(operation: str, request: dict[str, Any], timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Run one operation of ``courtops.store.subprocess_ops`` and return its JSON answer."""
    env = dict(os.environ)
    # the package must be importable in the fresh process even from a checkout without `pip install -e`
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "courtops.store.subprocess_ops", operation],
            input=json.dumps(request, ensure_ascii=False, default=str),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise StoreAccessError(f"store operation {operation} did not finish within {timeout:.0f} s") from exc
    except OSError as exc:
        raise StoreAccessError(f"cannot start the store operation {operation}: {exc}") from exc
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        tail = (proc.stderr or proc.stdout).strip()[-500:]
        raise StoreAccessError(
            f"store operation {operation} failed (exit {proc.returncode}): {tail}"
        ) from None
    if proc.returncode != 0 or not isinstance(answer, dict) or "error" in answer:
        error = answer.get("error") if isinstance(answer, dict) else answer
        raise StoreAccessError(f"store operation {operation} failed: {error}")
    return answer
