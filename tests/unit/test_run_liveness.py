"""Issue 16.12: a run whose ansible-playbook is gone is `interrupted`, not `running` forever."""

from __future__ import annotations

import socket
import subprocess

import pytest

from courtops.store import RunInfo, Store, TaskResult
from courtops.store.liveness import effective_status, is_dead, mark_interrupted, own_process, process_start
from tests.conftest import run_tool

HERE = socket.gethostname()


def gone_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.sqlite3") as s:
        yield s


def start(store: Store, uuid: str, extra: dict, controller: str = HERE, at: float = 100.0) -> int:
    return store.start_run(
        RunInfo(uuid=uuid, kind="inspect", controller=controller, started_at=at, extra=extra)
    )


def test_a_run_of_a_live_process_is_running(store):
    start(store, "live", own_process())
    [run] = store.runs()
    assert not is_dead(run) and effective_status(run) == "running"
    assert mark_interrupted(store) == [] and store.runs()[0].status == "running"


def test_a_run_whose_process_is_gone_is_interrupted(store):
    run_id = start(store, "gone", {"pid": gone_pid(), "pid_start": "12345"})
    store.write_batch(run_id, results=[TaskResult(host="pc1", status="ok", ended_at=160.0, task="t")])
    assert effective_status(store.runs()[0]) == "interrupted"
    assert mark_interrupted(store) == [run_id]
    run = store.get_run(run_id)
    assert (run.status, run.ended_at) == ("interrupted", 160.0)  # ended at its last sign of life
    assert mark_interrupted(store) == []  # once


def test_a_reused_pid_does_not_keep_a_dead_run_alive(store):
    mine = own_process()
    start(store, "reused", {"pid": mine["pid"], "pid_start": str(int(str(mine["pid_start"])) - 1)})
    assert is_dead(store.runs()[0])


@pytest.mark.parametrize(
    ("extra", "controller"),
    [
        ({"pid": 1, "pid_start": "x"}, "another-controller"),
        ({}, HERE),
        ({"pid": "1", "pid_start": "x"}, HERE),
    ],
)
def test_unknown_liveness_stays_as_recorded(store, extra, controller):
    start(store, "unknown", extra, controller=controller)
    assert effective_status(store.runs()[0]) == "running" and mark_interrupted(store) == []


def test_process_start_reads_a_live_process_and_none_for_a_gone_one():
    assert process_start(1) and process_start(gone_pid()) is None


def test_courtops_runs_shows_a_dead_run_as_interrupted(tmp_path):
    with Store(tmp_path / "s.sqlite3") as st:
        start(st, "gone", {"pid": gone_pid(), "pid_start": "12345"})
    proc = run_tool("courtops", "runs", "--store", str(tmp_path / "s.sqlite3"))
    assert proc.returncode == 0, proc.stderr
    assert " interrupted " in proc.stdout.splitlines()[1] and "running" not in proc.stdout
