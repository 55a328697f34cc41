"""`courtops store migrate --to postgresql://…`: an SQLite store's whole history moves to PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.cli import main
from courtops.findings import Finding
from courtops.store import (
    Backup,
    BackupStatus,
    Drill,
    HostInfo,
    Incident,
    Metric,
    PatchResult,
    RunInfo,
    Store,
    TaskResult,
    transfer,
)
from courtops.store.emergency_stock import (
    PartReplacement,
    SpareMovement,
    add_movement,
    add_replacement,
    approve_replacement,
    movements,
    replacements,
)
from courtops.store.transfer import schema_tables

PLANTED = "Planted-S3cret-4711"


def _history(path: Path) -> None:
    """A store with rows in every table; ids with gaps (a deleted run) so that ids must be copied."""
    with Store(path) as st:
        st.start_run(RunInfo(uuid="first", started_at=1.0))
        gone = st.start_run(RunInfo(uuid="gone", started_at=2.0))
        run = st.start_run(
            RunInfo(uuid="audit-1", kind="audit", scope="audit|x", user="ops", started_at=10.0)
        )
        st.db.execute("DELETE FROM runs WHERE id = ?", (gone,))
        finding = Finding(host="pc1", platform="linux_deb", control_id="L3-CES1-02", clause="8.1.4.1 b)",
                          verdict="不符合", record="faillock deny=0", expected="deny<=5", actual="deny=0",
                          high_risk=True, evidence={"faillock.conf": "deny = 0"})  # fmt: skip
        result = TaskResult(
            host="pc1",
            status="changed",
            ended_at=11.0,
            changed=True,
            findings=[finding],
            metrics=[Metric(host="pc1", name="disk_used_pct", value=71.5, at=11.0)],
            backups=[Backup(host="pc1", path="pc1.cfg", sha256="ab", size=3, taken_at=11.0)],
        )
        st.write_batch(
            run,
            results=[result],
            hosts=[HostInfo(name="pc1", address="10.250.0.5", asset={"asset_os": "UOS 20"})],
        )
        st.finish_run(run, "ok", ended_at=12.0)
        inc = st.open_incident(
            Incident(device="nvr-01", check_name="icmp", opened_at=20.0, opened_run_id=run)
        )
        st.update_incident(inc, responded_at=21.0, closed_at=30.0, closed_run_id=run)
        st.add_drill(Drill(kind="restore", started_at=40.0, ended_at=90.0, result="ok", recovery_s=50.0))
        st.record_backup(BackupStatus(host="sw1", status="ok", last_attempt=50.0, run_id=run), changed=True)
        st.add_patch_results([PatchResult(host="pc1", result="patched", started_at=60.0, ended_at=70.0,
                                          updates=[{"name": "openssl"}], run_id=run)])  # fmt: skip
        add_movement(st, SpareMovement("SW-1", 2, at=80.0))
        rep = add_replacement(
            st,
            PartReplacement(part="硬盘 4TB", device="nvr-01", quantity=1, unit_price_fen=80000,
                            supplied_by="vendor", replaced_at=85.0, incident_id=inc, recorded_at=86.0),
            take=SpareMovement("SW-1", -1, at=85.0, incident_id=inc, device="nvr-01"),
        )  # fmt: skip
        approve_replacement(st, rep, "信息中心", 90.0)


def _snapshot(st: Store) -> dict[str, object]:
    run = st.get_run("audit-1")
    return {
        "run": run,
        "findings": st.findings(run.id, with_evidence=True),
        "results": st.task_results(run.id),
        "hosts": st.hosts(run.id),
        "metrics": st.metrics(run.id),
        "backups": st.backups(),
        "incidents": st.incidents(),
        "drills": st.drills(),
        "backup_status": st.backup_statuses(),
        "patches": st.patch_results(),
        "movements": movements(st),
        "replacements": replacements(st),
    }


def test_migrate_moves_every_table_and_refuses_a_second_copy(
    tmp_path: Path, pg_server, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "s.sqlite3"
    _history(source)
    monkeypatch.setattr(transfer, "CHUNK", 1)  # every row its own page: the paging is exercised
    target = pg_server.new_database()
    assert main(["store", "migrate", "--store", str(source), "--to", target]) == 0
    out = capsys.readouterr().out
    assert "已迁移" in out
    with Store(source, readonly=True) as src, Store(target, readonly=True) as dst:
        for table in schema_tables():  # every table, not just the ones the snapshot reads
            n = src.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            assert dst.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == n, table
            assert n > 0, f"the test history leaves {table} empty"
        assert _snapshot(dst) == _snapshot(src)
        assert dst.get_run("audit-1").id == src.get_run("audit-1").id == 3  # ids kept (run 2 was deleted)
    with Store(target) as dst:  # new rows continue after the copied ids
        assert dst.start_run(RunInfo(uuid="after")) == 4
        assert dst.open_incident(Incident(device="pc9", check_name="icmp", opened_at=100.0)) == 2
    # a second migrate would double the history: refused, and the target keeps what it had
    assert main(["store", "migrate", "--store", str(source), "--to", target]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "runs 3" in err
    with Store(target, readonly=True) as dst:
        assert [r.uuid for r in dst.runs()] == ["after", "audit-1", "first"]


def test_migrate_never_shows_the_password(tmp_path: Path, pg_server, capsys) -> None:
    source = tmp_path / "s.sqlite3"
    _history(source)
    dsn = pg_server.dsn("no_such_database", password=PLANTED)
    assert main(["store", "migrate", "--store", str(source), "--to", dsn]) == 2
    captured = capsys.readouterr()
    assert "no_such_database" in captured.err
    assert PLANTED not in captured.err + captured.out
