"""`pid_alive`: the lab's one test of "is this process running" (containers, watcher, servers).

A lab container that rebooted exits; when the lab was brought up by a long-lived process (the test
session's fixture) it stays that process's zombie child until reaped. The reboot watcher took the
zombie for a running container and never booted it again (the patch lab tests timed out waiting
for the host to come back). Real processes here, no mocks.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from courtops.lab.util import pid_alive


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def test_a_running_process_is_alive():
    assert pid_alive(os.getpid())
    with subprocess.Popen(["sleep", "30"]) as proc:
        try:
            assert pid_alive(proc.pid)
        finally:
            proc.kill()


def test_an_exited_unreaped_child_is_dead_though_its_proc_entry_stays():
    proc = subprocess.Popen(["true"])
    deadline = time.monotonic() + 10
    while _state(proc.pid) != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert Path(f"/proc/{proc.pid}").exists() and _state(proc.pid) == "Z"  # a zombie, not yet reaped
    assert not pid_alive(proc.pid)
    proc.wait()
    assert not pid_alive(proc.pid)


def test_nonsense_pids_are_dead():
    for pid in (None, 0, -1, "123", True, 2**22 + 7):
        assert not pid_alive(pid)
