"""Issue 16.9: commands that only read never write — not to another application's database, not
to a store (no migration, no WAL switch, no -wal/-shm files), and they read a store in a read-only
directory. They refuse a file that is not a courtops store, and a store of a newer schema."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from courtops.store import SCHEMA_VERSION, RunInfo, Store, StoreError
from tests.conftest import run_tool, tool

READERS = [
    ["runs"],
    ["findings", "--format", "csv"],
    ["report", "--report", "dengbao", "--format", "html"],
    ["incident", "list"],
]


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(directory.iterdir())}


def _other_app_db(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5);"
    )
    db.close()
    return path


def _store(path: Path) -> Path:
    with Store(path) as st:
        run_id = st.start_run(
            RunInfo(uuid="r1", kind="audit", playbook="audit.yml", started_at=1_700_000_000.0)
        )
        st.finish_run(run_id, "ok", ended_at=1_700_000_060.0)
    return path


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_reader_leaves_another_applications_database_byte_identical(
    tmp_path: Path, command: list[str]
) -> None:
    other = _other_app_db(tmp_path / "it.db")
    before = _snapshot(tmp_path)
    proc = (
        run_tool("courtops", *command, "--store", str(other))
        if command[0] != "incident"
        else run_tool("courtops", "incident", "--store", str(other), "list")
    )
    assert proc.returncode == 2, proc.stderr
    assert (
        proc.stderr.strip()
        == f"courtops: {other}: not a courtops results store (an SQLite database without the courtops tables)"
    )
    assert _snapshot(tmp_path) == before  # same bytes, same mtime, no -wal / -shm / -journal beside it


def test_writer_refuses_another_applications_database_too(tmp_path: Path) -> None:
    other = _other_app_db(tmp_path / "it.db")
    before = _snapshot(tmp_path)
    proc = run_tool(
        "courtops", "incident", "--store", str(other), "open", "--device", "pc1", "--message", "黑屏"
    )
    assert proc.returncode == 2
    assert "not a courtops results store" in proc.stderr
    assert _snapshot(tmp_path) == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "passwd"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n" * 200, encoding="utf-8")
    proc = run_tool("courtops", "runs", "--store", str(text))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"courtops: {text}: not a courtops results store")
    assert "Traceback" not in proc.stderr


def test_reading_a_store_creates_nothing_and_changes_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path / "s.sqlite3")
    before = _snapshot(tmp_path)
    assert list(before) == ["s.sqlite3"]
    for command in (["runs"], ["incident", "list"], ["findings"]):
        args = (
            ["incident", "--store", str(store), "list"]
            if command[0] == "incident"
            else [*command, "--store", str(store)]
        )
        proc = run_tool("courtops", *args)
        assert proc.returncode == 0, proc.stderr
    assert "audit.yml" in run_tool("courtops", "runs", "--store", str(store)).stdout
    assert _snapshot(tmp_path) == before


def test_reader_does_not_migrate_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as st:
        st.start_run(RunInfo(uuid="old", playbook="inspect.yml"))
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER incidents_times_are_final; DROP TRIGGER incidents_steps_in_order;"
                     " DROP TRIGGER incidents_are_kept; PRAGMA user_version = 1;")  # fmt: skip
    db.close()
    before = _snapshot(tmp_path)
    proc = run_tool("courtops", "runs", "--store", str(path))
    assert proc.returncode == 0 and "inspect.yml" in proc.stdout
    assert _snapshot(tmp_path) == before
    with Store(path, readonly=True) as st:
        assert st.version == 1


def test_reader_refuses_a_newer_store(tmp_path: Path) -> None:
    path = _store(tmp_path / "s.sqlite3")
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    proc = run_tool("courtops", "runs", "--store", str(path))
    assert proc.returncode == 2
    assert f"schema version {SCHEMA_VERSION + 1} is newer than this courtops" in proc.stderr


def test_reader_sees_what_a_running_writer_committed(tmp_path: Path) -> None:
    """With a -wal file (a run in progress) the reader reads the write-ahead log too."""
    path = tmp_path / "s.sqlite3"
    with Store(path) as writer:
        writer.start_run(RunInfo(uuid="live", playbook="inspect.yml"))
        assert (tmp_path / "s.sqlite3-wal").exists()
        with Store(path, readonly=True) as reader:
            assert [r.uuid for r in reader.runs()] == ["live"]
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.db.execute("DELETE FROM runs")


def test_readonly_store_never_migrates(tmp_path: Path) -> None:
    with (
        Store(_store(tmp_path / "s.sqlite3"), readonly=True) as st,
        pytest.raises(StoreError, match="read-only"),
    ):
        st.migrate()


@pytest.fixture
def readonly_dir() -> Iterator[Path]:
    # Outside pytest's tmp (mode 700) so that an unprivileged user can reach it.
    where = Path(tempfile.mkdtemp(prefix="courtops-ro-"))
    try:
        where.chmod(0o755)
        yield where
    finally:
        where.chmod(0o755)
        shutil.rmtree(where)


def test_a_store_in_a_read_only_directory_can_be_listed(readonly_dir: Path) -> None:
    store = _store(readonly_dir / "s.sqlite3")
    store.chmod(0o444)
    readonly_dir.chmod(0o555)
    before = _snapshot(readonly_dir)
    command = [tool("courtops"), "runs", "--store", str(store)]
    if os.geteuid() == 0:
        # root writes anywhere, whatever the modes: make the directory read-only for real, with a
        # read-only bind mount in a private mount namespace (an unprivileged user could not reach a
        # checkout under a private directory, as CI's may be)
        remount = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
        command = [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            remount,
            "sh",
            str(readonly_dir),
            *command,
        ]
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": "/"}
    )
    assert proc.returncode == 0, proc.stderr
    assert "audit.yml" in proc.stdout
    assert _snapshot(readonly_dir) == before


def test_reader_opens_a_path_with_spaces_chinese_and_uri_characters(tmp_path: Path) -> None:
    odd = tmp_path / "运维 数据?#%"
    odd.mkdir()
    store = _store(odd / "s 1.sqlite3")
    with Store(store, readonly=True) as st:
        assert [r.playbook for r in st.runs()] == ["audit.yml"]
