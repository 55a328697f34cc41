"""Issue 16.2: no SQLite in a process forked from a multi-threaded parent (Ansible's workers).

The deadlock itself is rare (3 in 25 lab runs); these tests make the rule deterministic: the store
refuses to open in such a child (an error at once instead of a hang), the plugins Ansible forks reach
the store only through a fresh process, and that process does the work.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from courtops import store_access
from courtops.store import RunInfo, Store, StoreError
from tests.conftest import REPO

FORKED_PLUGIN_DIRS = ("action", "lookup", "filter", "cliconf", "terminal", "connection")
LOCKING_MODULES = ("sqlite3", "courtops.store")


def _child_opens_store(path: Path) -> str:
    """Fork; the child tries to open a store and reports what happened through a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        os.close(read_end)
        try:
            Store(path).close()
            message = b"opened"
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}".encode()
        os.write(write_end, message)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read().decode()
    os.waitpid(pid, 0)
    return answer


def test_store_refuses_to_open_in_a_child_forked_from_a_threaded_process(tmp_path):
    release = threading.Event()
    writer = threading.Thread(target=release.wait, daemon=True)  # like the recorder's writer thread
    writer.start()
    try:
        answer = _child_opens_store(tmp_path / "s.sqlite3")
    finally:
        release.set()
        writer.join()
    assert answer.startswith("StoreError") and "multi-threaded" in answer, answer
    assert not (tmp_path / "s.sqlite3").exists()


def test_store_opens_in_a_child_of_a_single_threaded_process(tmp_path):
    # in a fresh interpreter, so that no pytest helper thread makes the parent multi-threaded
    code = (
        "import os, sys\n"
        "from courtops.store import Store\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    Store(sys.argv[1]).close(); os._exit(0)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "sys.exit(os.waitstatus_to_exitcode(status))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "s.sqlite3")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s.sqlite3").exists()


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update({node.module} | {f"{node.module}.{alias.name}" for alias in node.names})
    return names


def test_plugins_run_in_forked_workers_import_no_sqlite():
    plugins = [p for d in FORKED_PLUGIN_DIRS for p in sorted((REPO / "plugins" / d).glob("*.py"))]
    assert len(plugins) >= 5  # the action, lookup, cliconf and terminal plugins are all looked at
    offenders = {
        f"{p.relative_to(REPO)}: {name}"
        for p in plugins
        for name in _imports(p)
        if any(name == m or name.startswith(f"{m}.") for m in LOCKING_MODULES)
    }
    assert not offenders, "use courtops.store_access instead: " + ", ".join(sorted(offenders))


def test_store_access_runs_the_lookup_in_a_fresh_process(tmp_path):
    path = tmp_path / "s.sqlite3"
    assert store_access.call("previous-run", {"store": str(path), "kind": "inspect"}) == {"started_at": None}
    assert not path.exists()  # a lookup never creates a store
    with Store(path) as store:
        first = store.start_run(RunInfo(uuid="a", kind="inspect", started_at=100.0))
        store.finish_run(first, "ok")
        checked = store.start_run(RunInfo(uuid="k", kind="inspect", started_at=150.0, check_mode=True))
        store.finish_run(checked, "ok")  # a --check run is no previous inspection
        store.start_run(RunInfo(uuid="b", kind="inspect", started_at=200.0))  # the current, running run
        store.start_run(RunInfo(uuid="c", kind="audit", started_at=300.0))
    answer = store_access.call("previous-run", {"store": str(path), "kind": "inspect", "run_uuid": "b"})
    assert answer == {"started_at": 100.0}


def test_store_access_reports_a_bad_store_and_a_timeout(tmp_path):
    bogus = tmp_path / "not-a-store.sqlite3"
    bogus.write_text("this is no SQLite file\n" * 100)
    with pytest.raises(store_access.StoreAccessError, match="previous-run failed"):
        store_access.call("previous-run", {"store": str(bogus), "kind": "inspect"})
    with pytest.raises(store_access.StoreAccessError, match="did not finish within"):
        store_access.call("previous-run", {"store": str(bogus), "kind": "inspect"}, timeout=0.001)
    with pytest.raises(store_access.StoreAccessError, match="usage"):
        store_access.call("drop-everything", {})


def test_incidents_sync_in_a_fresh_process_opens_for_the_run_and_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "s.sqlite3"
    fault = {
        "host": "nvr1",
        "name": "nvr_disks",
        "labels": {"state": "故障", "item": "HDD3", "title": "录像硬盘"},
    }
    request = {"store": str(path), "metrics": [fault], "systems": {"nvr1": "安防监控"}}
    dry = store_access.call("incidents-sync", request | {"dry_run": True})
    assert dry["would_open"] == ["nvr1 nvr_disks"] and dry["opened"] == [] and not path.exists()
    with Store(path) as store:
        run_id = store.start_run(RunInfo(uuid="this-run", kind="inspect"))
    done = store_access.call("incidents-sync", request | {"run_uuid": "this-run"})
    assert len(done["opened"]) == 1 and done["still_open"] == 1
    with Store(path, create=False) as store:
        [incident] = store.incidents(open_only=True)
    assert (incident.device, incident.check_name, incident.opened_run_id) == (
        "nvr1",
        "nvr_disks:HDD3",
        run_id,
    )


def test_store_access_on_postgresql_previous_run_and_incidents(pg_server):
    """The plugins' fresh-process store operations work on a PostgreSQL store as on SQLite."""
    dsn = pg_server.new_database()  # empty: a lookup or a dry run creates nothing in it
    assert store_access.call("previous-run", {"store": dsn, "kind": "inspect"}) == {"started_at": None}
    fault = {"host": "nvr1", "name": "nvr_disks", "labels": {"state": "故障", "item": "HDD3"}}
    request = {"store": dsn, "metrics": [fault], "systems": {"nvr1": "安防监控"}}
    dry = store_access.call("incidents-sync", request | {"dry_run": True})
    assert dry["would_open"] == ["nvr1 nvr_disks"] and dry["opened"] == []
    with pytest.raises(StoreError, match="no results store here"):
        Store(dsn, create=False)
    with Store(dsn) as store:
        first = store.start_run(RunInfo(uuid="a", kind="inspect", started_at=100.0))
        store.finish_run(first, "ok")
        run_id = store.start_run(RunInfo(uuid="b", kind="inspect", started_at=200.0))
    assert store_access.call("previous-run", {"store": dsn, "kind": "inspect", "run_uuid": "b"}) == {
        "started_at": 100.0
    }
    done = store_access.call("incidents-sync", request | {"run_uuid": "b"})
    assert len(done["opened"]) == 1 and done["still_open"] == 1
    with Store(dsn, readonly=True) as store:
        [incident] = store.incidents(open_only=True)
    assert (incident.check_name, incident.opened_run_id) == ("nvr_disks:HDD3", run_id)
