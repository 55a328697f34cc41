"""A job through `ansible-runner transmit | worker | process` (the protocol AWX's receptor uses):
the worker gets a private data dir that stands on its own, runs the playbook with the recorder, and
the run lands in the results store with the job's name; process writes the artifacts."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from courtops import REPO_ROOT

from ..conftest import VENV_BIN, files_holding


def _pipeline(commands: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A transmit | worker | process pipeline run by bash, none of our ANSIBLE_ / COURTOPS_ / PG
    variables inherited; it must succeed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "COURTOPS_", "PG"))}
    # the worker finds ansible-playbook on its PATH, as in the execution environment's image
    clean.update(PATH=f"{VENV_BIN}{os.pathsep}{clean.get('PATH', '')}", **env)
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {commands}"],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_a_job_runs_through_transmit_worker_process_and_is_recorded(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.yml"
    jobs.write_text(
        "jobs:\n  hello:\n    enabled: true\n    playbook: tests/data/jobs/ok.yml\n"
        "    inventory: tests/data/jobs/hosts.yml\n    extra_vars: {profile: monthly}\n    schedule: hourly\n",
        encoding="utf-8",
    )
    store, out = tmp_path / "store.sqlite3", tmp_path / "processed"
    _pipeline(
        f"{VENV_BIN}/courtops job --file {jobs} transmit hello"
        f" | {VENV_BIN}/ansible-runner worker | {VENV_BIN}/ansible-runner process {out}",
        tmp_path,
        COURTOPS_STORE=str(store),
    )
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


def _unstream(stream: Path, into: Path) -> str:
    """A transmit stream taken apart as runner's worker reads it: its JSON messages (returned as text)
    and the private data dir it carries (unpacked into ``into``)."""
    from ansible_runner.utils.streaming import unstream_dir

    messages = []
    with stream.open("rb") as source:
        for line in iter(source.readline, b""):
            message = json.loads(line)
            messages.append(line.decode("utf-8"))
            if "zipfile" in message:
                unstream_dir(source, message["zipfile"], str(into))  # type: ignore[arg-type]
    assert into.is_dir() and messages[-1].strip() == '{"eof": true}'
    return "".join(messages)


def test_a_transmitted_job_carries_no_store_password_and_the_node_uses_its_own(
    tmp_path: Path, pg_server: Any
) -> None:
    """The stream to the execution node holds the store's DSN without its password; the node logs in
    with its own password file (as an execution environment's ~/.pgpass) and the run is recorded."""
    # made here, not written in this file: the stream carries a copy of the project, this test included
    word = uuid.uuid4().hex[:12]
    secret = f"Ee:{word}@transmit\\x"
    forms = (secret, quote(secret, safe=""), word)
    dsn, bare = pg_server.password_database(secret)
    jobs = tmp_path / "jobs.yml"
    jobs.write_text(
        "jobs:\n  hello:\n    enabled: true\n    playbook: tests/data/jobs/ok.yml\n"
        "    inventory: tests/data/jobs/hosts.yml\n    schedule: hourly\n",
        encoding="utf-8",
    )
    node_pgpass = tmp_path / "node" / ".pgpass"  # the execution node's credential, not the controller's
    node_pgpass.parent.mkdir()
    node_pgpass.write_text("*:*:*:*:" + secret.replace("\\", "\\\\").replace(":", "\\:") + "\n")
    node_pgpass.chmod(0o600)
    stream, out = tmp_path / "stream", tmp_path / "processed"
    proc = _pipeline(
        f"COURTOPS_STORE={shlex.quote(dsn)} {VENV_BIN}/courtops job --file {jobs} transmit hello"
        f" | tee {stream} | PGPASSFILE={node_pgpass} {VENV_BIN}/ansible-runner worker"
        f" | {VENV_BIN}/ansible-runner process {out}",
        tmp_path,
    )
    assert "结果库密码未随作业发送" in proc.stderr
    assert (out / "artifacts" / "status").read_text(encoding="utf-8") == "successful"
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT status, extra FROM runs").fetchall()
    assert [(status, json.loads(extra)["job"]) for status, extra in rows] == [("ok", "hello")]
    # the stream's messages and its private data dir (a deflated zip inside: unpacked to be read)
    sent = _unstream(stream, tmp_path / "sent")
    envvars = json.loads((tmp_path / "sent" / "env" / "envvars").read_text(encoding="utf-8"))
    assert envvars["COURTOPS_STORE"] == bare  # the node is told where the store is, not how to log in
    found = [n for n in forms if n in sent]
    found += files_holding(tmp_path / "sent", forms) + files_holding(out, forms)
    found += [n for n in forms if n in proc.stdout + proc.stderr + pg_server.store_text(dsn)]
    assert found == []
