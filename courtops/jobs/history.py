"""A job's runs and the incidents they opened, read from the results store.

The recorder keeps the job's name and run ident in each run's ``extra`` (courtops.jobs.context), so
no table of our own is needed: the job's history is the store's history.
"""

from __future__ import annotations

from courtops.store import Incident, Run, Store
from courtops.store.store import _run


def job_runs(store: Store, job: str, *, limit: int = 20) -> list[Run]:
    rows = store.db.execute(
        "SELECT * FROM runs WHERE json_extract(extra, '$.job') = ? ORDER BY started_at DESC, id DESC LIMIT ?",
        (job, limit),
    )
    return [_run(r) for r in rows]


def runs_of_ident(store: Store, ident: str) -> list[Run]:
    """The runs recorded for one `job run` (one per playbook it ran)."""
    rows = store.db.execute(
        "SELECT * FROM runs WHERE json_extract(extra, '$.job_ident') = ? ORDER BY id", (ident,)
    )
    return [_run(r) for r in rows]


def incidents_opened_by(store: Store, run_ids: list[int]) -> list[Incident]:
    if not run_ids:
        return []
    marks = ", ".join("?" for _ in run_ids)
    rows = store.db.execute(
        f"SELECT * FROM incidents WHERE opened_run_id IN ({marks}) ORDER BY opened_at, id", run_ids
    )
    return [Incident(**dict(r)) for r in rows]
