"""Results store: everything written comes back unchanged; migrations are ordered and atomic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from courtops.findings import Finding
from courtops.jobs.history import job_runs
from courtops.store import (
    SCHEMA_VERSION,
    Backup,
    HostInfo,
    Incident,
    Metric,
    RunInfo,
    Store,
    StoreError,
    TaskResult,
    default_path,
)
from courtops.store import store as store_module
from courtops.store.store import DEFAULT_STORE


def _finding(host: str, verdict: str = "不符合", **kw: object) -> Finding:
    base: dict[str, object] = {
        "host": host,
        "platform": "linux_deb",
        "control_id": "L3-CES1-02",
        "clause": "8.1.4.1 b)",
        "verdict": verdict,
        "record": "经现场核查：faillock deny=0",
        "expected": "deny<=5",
        "actual": "deny=0",
        "high_risk": False,
        "layer": "安全计算环境",
        "control_point": "身份鉴别",
        "weight": 0.7,
        "evidence": {"faillock.conf": "deny = 0"},
    }
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def test_round_trip(store_url: str) -> None:
    path = store_url
    with Store(path) as st:
        run_id = st.start_run(RunInfo(uuid="u1", kind="audit", scope="audit|x", playbook="audit.yml"))
        f1 = _finding("pc1")
        f2 = _finding("pc2", verdict="符合", high_risk=True, evidence={"faillock.conf": "deny = 0"})
        result = TaskResult(
            host="pc1",
            status="changed",
            ended_at=2.0,
            started_at=1.0,
            task="collect",
            changed=True,
            content={"msg": "法院"},
            findings=[f1],
            metrics=[Metric(host="pc1", name="disk_used_pct", value=71.5, unit="%", labels={"mount": "/"})],
            backups=[Backup(host="pc1", path="backups/pc1.cfg", sha256="ab", size=3, changed=True)],
        )
        st.write_batch(
            run_id,
            results=[result],
            hosts=[HostInfo(name="pc1", address="10.250.0.5", asset={"asset_os": "UOS 20"})],
            findings=[f2],
        )
        # a later, emptier host record never erases what is known
        st.add_hosts(run_id, [HostInfo(name="pc1", os_version="UOS 20 1070")])
        st.set_host_stats(run_id, {"pc1": {"ok": 1, "changed": 1, "failures": 0}})
        st.finish_run(run_id, "ok", ended_at=3.0)

    with Store(path, create=False) as st:
        run = st.get_run("latest")
        assert (run.id, run.uuid, run.status, run.ended_at, run.kind) == (run_id, "u1", "ok", 3.0, "audit")
        assert st.get_run("u1").id == st.get_run(str(run_id)).id == run_id
        assert st.findings(run_id, with_evidence=True) == [f1, f2]
        # evidence is content-addressed: the same text is stored once
        assert st.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 1
        [tr] = st.task_results(run_id)
        assert (tr.status, tr.changed, tr.content, tr.started_at) == ("changed", True, {"msg": "法院"}, 1.0)
        [m] = st.metrics(run_id)
        assert (m.name, m.value, m.labels) == ("disk_used_pct", 71.5, {"mount": "/"})
        [b] = st.backups(host="pc1")
        assert b.changed and b.path == "backups/pc1.cfg"
        [h] = st.hosts(run_id)
        assert (h.address, h.os_version, h.asset, h.ok, h.changed) == (
            "10.250.0.5",
            "UOS 20 1070",
            {"asset_os": "UOS 20"},
            1,
            1,
        )
        assert st.status_counts(run_id) == {"pc1": {"changed": 1}}


def test_previous_run_same_scope(store_url: str) -> None:
    with Store(store_url) as st:
        a = st.start_run(RunInfo(uuid="a", scope="audit|p", started_at=1))
        b = st.start_run(RunInfo(uuid="b", scope="inspect|p", started_at=2))
        c = st.start_run(RunInfo(uuid="c", scope="audit|p", started_at=3))
        for run_id in (a, b, c):  # the previous run is a finished one
            st.finish_run(run_id, "ok")
        prev = st.previous_run(st.get_run(c))
        assert prev is not None and prev.id == a
        assert st.previous_run(st.get_run(a)) is None
        assert st.get_run("latest", kind="").uuid == "c"


def test_incidents_open_once_and_close(store_url: str) -> None:
    with Store(store_url) as st:
        i1 = st.open_incident(Incident(device="nvr-01", check_name="icmp", opened_at=10, message="不可达"))
        assert st.open_incident(Incident(device="nvr-01", check_name="icmp", opened_at=20)) == i1
        st.update_incident(i1, responded_at=11, closed_at=30)
        assert st.incidents(open_only=True) == []
        [inc] = st.incidents()
        assert (inc.message, inc.responded_at, inc.closed_at) == ("不可达", 11, 30)
        with pytest.raises(ValueError):
            st.update_incident(i1, bogus=1)


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no results store"):
        Store(tmp_path / "absent.sqlite3", create=False)
    with Store(tmp_path / "s.sqlite3") as st, pytest.raises(StoreError, match="no runs"):
        st.get_run("latest")


def test_fresh_store_has_current_schema_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as st:
        assert st.version == SCHEMA_VERSION
        assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_upgrade_an_old_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = store_url
    with Store(path) as st:
        st.start_run(RunInfo(uuid="old"))
    extra = "ALTER TABLE runs ADD COLUMN ticket TEXT NOT NULL DEFAULT '';"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, extra))
    with Store(path) as st:
        assert st.version == SCHEMA_VERSION + 1
        assert tuple(st.db.execute("SELECT uuid, ticket FROM runs").fetchone()) == ("old", "")


def test_failed_migration_leaves_store_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    broken = "CREATE TABLE half (x); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, broken))
    with pytest.raises(StoreError):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer than this courtops"):
        Store(path)


def test_store_path_from_env_then_ansible_cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "ansible.cfg"
    cfg.write_text("[callback_courtops_recorder]\nstore = state/court.sqlite3\n")
    monkeypatch.delenv("COURTOPS_STORE", raising=False)
    monkeypatch.setenv("ANSIBLE_CONFIG", str(cfg))
    assert default_path() == tmp_path / "state" / "court.sqlite3"
    monkeypatch.setenv("COURTOPS_STORE", str(tmp_path / "env.sqlite3"))
    assert default_path() == tmp_path / "env.sqlite3"
    monkeypatch.delenv("COURTOPS_STORE")
    cfg.write_text("[defaults]\nforks = 5\n")
    assert default_path() == DEFAULT_STORE


# -- the same store on PostgreSQL (tests/pgserver.py: a real server of Debian's package) ---------------


def test_postgres_store_is_created_with_the_current_schema_and_triggers(pg_server) -> None:
    with Store(pg_server.new_database()) as st:
        assert st.is_postgres and st.version == SCHEMA_VERSION
        triggers = {r[0] for r in st.db.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        assert {"incidents_times_are_final", "incidents_steps_in_order", "incidents_are_kept"} <= triggers
        # timestamps keep their sub-second part (SQLite's REAL is a double; PostgreSQL's is not)
        run_id = st.start_run(RunInfo(uuid="t", started_at=1767225600.123456, extra={"job": "monthly"}))
        assert st.get_run(run_id).started_at == 1767225600.123456
        # json_extract (a job's history) becomes PostgreSQL's ->>
        assert [r.id for r in job_runs(st, "monthly")] == [run_id] and job_runs(st, "yearly") == []


def test_postgres_missing_store_and_foreign_database_are_clear_errors(pg_server) -> None:
    empty = pg_server.new_database()
    with pytest.raises(StoreError, match="no results store here"):
        Store(empty, create=False)
    with pytest.raises(StoreError, match="no results store here"):
        Store(empty, readonly=True)
    import psycopg

    with psycopg.connect(empty, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (n integer)")
    with pytest.raises(StoreError, match="not a courtops results store"):
        Store(empty)
    with psycopg.connect(empty) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                            ).fetchone() == (1,)  # fmt: skip


def test_postgres_failed_migration_leaves_store_untouched(pg_server, monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = pg_server.new_database()
    Store(dsn).close()
    broken = "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, broken))
    with pytest.raises(StoreError, match="no_such_table"):
        Store(dsn)
    monkeypatch.undo()
    with Store(dsn, readonly=True) as st:
        assert st.version == SCHEMA_VERSION
        assert st.db.execute("SELECT to_regclass('half')").fetchone()[0] is None


def test_postgres_newer_store_is_refused_and_reader_cannot_write(pg_server) -> None:
    dsn = pg_server.new_database(migrated=True)
    with Store(dsn, readonly=True) as st, pytest.raises(Exception, match="read-only transaction"):
        st.db.execute("DELETE FROM runs")
    with Store(dsn) as st:
        st.db.execute("UPDATE courtops_schema SET version = ?", (SCHEMA_VERSION + 5,))
    with pytest.raises(StoreError, match="newer than this courtops"):
        Store(dsn)


def test_postgres_password_is_never_shown(pg_server) -> None:
    dsn = pg_server.dsn("no_such_db", password="Planted-S3cret-4711")
    with pytest.raises(StoreError) as info:
        Store(dsn)
    assert "no_such_db" in str(info.value) and "Planted-S3cret-4711" not in str(info.value)
    monkey_env = {"COURTOPS_STORE": dsn}
    assert default_path_for(monkey_env) == dsn


def default_path_for(env: dict[str, str]) -> object:
    import os

    saved = os.environ.get("COURTOPS_STORE")
    os.environ.update(env)
    try:
        return default_path()
    finally:
        if saved is None:
            del os.environ["COURTOPS_STORE"]
        else:
            os.environ["COURTOPS_STORE"] = saved
