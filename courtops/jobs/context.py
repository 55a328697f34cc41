"""Which job a recorded run belongs to: set by `courtops job run` in the runner's environment,
read by the recorder callback (kept in the run's ``extra``), so `job history` and notifications find
the job's runs in the results store."""

from __future__ import annotations

import os

JOB_ENV = "COURTOPS_JOB"
JOB_IDENT_ENV = "COURTOPS_JOB_IDENT"


def job_context() -> dict[str, str]:
    """``{"job": name, "job_ident": ident}`` when this process runs for a job, else ``{}``."""
    name, ident = os.environ.get(JOB_ENV, ""), os.environ.get(JOB_IDENT_ENV, "")
    return {"job": name, "job_ident": ident} if name else {}
