"""No overlap: the job lock and the host claims of changing jobs, with real processes holding them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from courtops.jobs.locks import HostClaims, JobLock, LockRefused

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from courtops.jobs.locks import HostClaims, JobLock
    kind, where, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    if kind == "job":
        held = JobLock(where, name)
        held.acquire()  # kept referenced: the lock lives as long as this process
    else:
        HostClaims(where).claim(name, sys.argv[4].split(","))
    print("held", flush=True)
    time.sleep(600)
    """
)


def _holder(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)  # no cleanup: the lock file keeps naming the dead holder
    proc.wait(timeout=10)


def test_a_second_run_of_the_same_job_is_refused_naming_the_holder(tmp_path: Path) -> None:
    proc = _holder("job", str(tmp_path), "inspect-monthly")
    try:
        with pytest.raises(LockRefused) as err:
            JobLock(tmp_path, "inspect-monthly").acquire()
        text = str(err.value)
        assert f"pid {proc.pid}" in text and socket.gethostname() in text and "自 20" in text
        with JobLock(tmp_path, "audit-quarterly") as other:  # another job is not blocked
            assert other.stale is None
    finally:
        _kill(proc)


def test_a_lock_whose_holder_died_is_released_and_reported(tmp_path: Path) -> None:
    proc = _holder("job", str(tmp_path), "inspect-monthly")
    dead_pid = proc.pid
    _kill(proc)
    lock = JobLock(tmp_path, "inspect-monthly")
    lock.acquire()
    try:
        assert lock.stale is not None and lock.stale.pid == dead_pid
        assert str(os.getpid()) in lock.path.read_text(encoding="utf-8")
    finally:
        lock.release()
    again = JobLock(tmp_path, "inspect-monthly")  # a clean release leaves nothing stale behind
    with again:
        assert again.stale is None


def test_a_changing_job_is_refused_while_another_holds_one_of_its_hosts(tmp_path: Path) -> None:
    proc = _holder("hosts", str(tmp_path), "patch-window", "srv1,srv2,srv3")
    try:
        claims = HostClaims(tmp_path)
        with pytest.raises(LockRefused) as err:
            claims.claim("harden-servers", ["srv9", "srv3"])
        text = str(err.value)
        assert "srv3" in text and "srv9" not in text and "patch-window" in text and f"pid {proc.pid}" in text
        mine = claims.claim("harden-pcs", ["pc1", "pc2"])  # disjoint hosts: allowed
        held = {h.job: hosts for h, hosts in claims.held()}
        assert held == {"patch-window": ["srv1", "srv2", "srv3"], "harden-pcs": ["pc1", "pc2"]}
        claims.release(mine)
        assert [h.job for h, _ in claims.held()] == ["patch-window"]
    finally:
        _kill(proc)


def test_host_claims_of_a_dead_job_are_released(tmp_path: Path) -> None:
    proc = _holder("hosts", str(tmp_path), "patch-window", "srv1")
    _kill(proc)
    claims = HostClaims(tmp_path)
    mine = claims.claim("harden-servers", ["srv1"])
    assert [h.pid for h in claims.released] == [proc.pid]
    assert [h.job for h, _ in claims.held()] == ["harden-servers"]
    claims.release(mine)


def test_concurrent_claims_of_the_same_host_let_exactly_one_win(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HOLD, "hosts", str(tmp_path), f"job{i}", "srv1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    try:
        deadline = time.time() + 60
        while time.time() < deadline and sum(p.poll() is not None for p in procs) < 5:
            time.sleep(0.1)
        refused = [p for p in procs if p.poll() is not None]
        assert len(refused) == 5
        assert all("LockRefused" in (p.stderr.read() if p.stderr else "") for p in refused)
        assert len(HostClaims(tmp_path).held()) == 1
    finally:
        for p in procs:
            if p.poll() is None:
                _kill(p)
