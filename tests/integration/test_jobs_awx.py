"""A job through `ansible-runner transmit | worker | process` (the protocol AWX's receptor uses):
the worker gets a private data dir that stands on its own, runs the playbook with the recorder, and
the run lands in the results store with the job's name; process writes the artifacts."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

from courtops import REPO_ROOT

from ..conftest import VENV_BIN


def test_a_job_runs_through_transmit_worker_process_and_is_recorded(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.yml"
    jobs.write_text(
        "jobs:\n  hello:\n    enabled: true\n    playbook: tests/data/jobs/ok.yml\n"
        "    inventory: tests/data/jobs/hosts.yml\n    extra_vars: {profile: monthly}\n    schedule: hourly\n",
        encoding="utf-8",
    )
    store, out = tmp_path / "store.sqlite3", tmp_path / "processed"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "COURTOPS_"))}
    # the worker finds ansible-playbook on its PATH, as in the execution environment's image
    env.update(PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", COURTOPS_STORE=str(store))
    pipeline = (
        f"set -o pipefail; {VENV_BIN}/courtops job --file {jobs} transmit hello"
        f" | {VENV_BIN}/ansible-runner worker | {VENV_BIN}/ansible-runner process {out}"
    )
    proc = subprocess.run(
        ["bash", "-c", pipeline],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (out / "artifacts" / "status").read_text(encoding="utf-8") == "successful"
    events = [json.loads(p.read_text()) for p in (out / "artifacts" / "job_events").glob("*.json")]
    assert {e["event_data"].get("host") for e in events if e.get("event") == "runner_on_ok"} == {"pc0", "pc1"}
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT status, scope, extra FROM runs").fetchall()
    assert len(rows) == 1
    status, scope, extra = rows[0]
    assert status == "ok" and scope.endswith("|profile=monthly")
    assert json.loads(extra)["job"] == "hello"
    # the worker ran a copy of the project, not this checkout
    assert str(REPO_ROOT) not in scope
