"""Runs whose process is gone: a run left ``running`` by a killed ansible-playbook is ``interrupted``.

The recorder keeps its process id and the process's start time (so a reused pid is not mistaken for
the run) in the run's ``extra``. A run is known dead when it was recorded on this controller and that
process no longer exists; a run from another controller, or from a recorder that kept no pid, stays
as recorded (its liveness cannot be known here).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from courtops.store.store import Run, Store

INTERRUPTED = "interrupted"


def process_start(pid: int) -> str | None:
    """The kernel's start time (clock ticks since boot) of a live process, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def own_process() -> dict[str, object]:
    """What the recorder stores in a run's extra to make its liveness checkable later."""
    return {"pid": os.getpid(), "pid_start": process_start(os.getpid()) or ""}


def is_dead(run: Run, controller: str | None = None) -> bool:
    """True only when this running run was recorded here and its process is known to be gone."""
    if run.status != "running" or run.controller != (controller or socket.gethostname()):
        return False
    pid, start = run.extra.get("pid"), run.extra.get("pid_start")
    if not isinstance(pid, int) or not start:
        return False
    return process_start(pid) != start


def effective_status(run: Run) -> str:
    """The status to show: ``interrupted`` for a ``running`` run whose process is gone."""
    return INTERRUPTED if is_dead(run) else run.status


def mark_interrupted(store: Store, *, limit: int = 200) -> list[int]:
    """Record as interrupted every recent running run whose process is gone; their ids."""
    marked = []
    for run in store.runs(limit=limit):
        if not is_dead(run):
            continue
        last = store.db.execute(
            "SELECT MAX(ended_at) FROM task_results WHERE run_id = ?", (run.id,)
        ).fetchone()[0]
        store.finish_run(
            run.id,
            INTERRUPTED,
            ended_at=float(last or run.started_at),  # the last sign of life, not the time we noticed
            extra={"interrupted_noticed_at": time.time()},
        )
        marked.append(run.id)
    return marked
