"""Run kinds are declared once (courtops/runkinds.py); "the previous run" has one meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops import REPO_ROOT, runkinds
from courtops.report import REPORTS
from courtops.store import RunInfo, Store
from courtops.store.current import CURRENT_RUN_ENV, announce, current_run


def test_inspect_and_audit_are_declared_with_their_playbooks_reports_and_incidents():
    inspect, audit = runkinds.KINDS["inspect"], runkinds.KINDS["audit"]
    assert (inspect.available, audit.available) == (True, True)
    assert runkinds.kind_of_playbook(REPO_ROOT / "playbooks" / "inspect.yml") == "inspect"
    assert runkinds.kind_of_playbook("playbooks/audit.yml") == "audit"
    assert runkinds.incident_kinds() == ("inspect",)
    assert runkinds.findings_kinds() == ("audit",)
    assert set(runkinds.KINDS) == {"inspect", "audit", "backup", "harden", "patch", "restore"}
    assert all(k.name and k.playbooks for k in runkinds.KINDS.values())


def test_an_undeclared_playbook_is_its_own_kind():
    assert runkinds.kind_of_playbook("/tmp/site-check.yml") == "site-check"
    assert runkinds.scope_vars("site-check") == runkinds.DEFAULT_SCOPE_VARS
    assert runkinds.scope_vars("audit") == ("target",)


def test_every_report_reads_exactly_one_kind_and_the_reports_use_it():
    for name, spec in REPORTS.items():
        assert spec.run_kind == runkinds.kind_of_report(name)
    assert (REPORTS["dengbao"].run_kind, REPORTS["inspection"].run_kind) == ("audit", "inspect")
    with pytest.raises(KeyError, match="fed by 0 run kinds"):
        runkinds.kind_of_report("no-such-report")


def _run(
    st: Store, uuid: str, started: float, status: str | None, kind: str = "inspect", scope: str = "S"
) -> int:
    run_id = st.start_run(RunInfo(uuid=uuid, kind=kind, scope=scope, started_at=started))
    if status:
        st.finish_run(run_id, status, ended_at=started + 1)
    return run_id


def test_the_previous_run_is_same_kind_same_scope_finished_and_before(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as st:
        older = _run(st, "older", 1, "ok")
        failed = _run(st, "failed", 2, "failed")  # finished (some hosts failed): counts
        _run(st, "interrupted", 3, "interrupted")
        _run(st, "running", 4, None)
        _run(st, "other-scope", 5, "ok", scope="T")
        _run(st, "other-kind", 6, "ok", kind="audit")
        this = _run(st, "this", 7, None)
        _run(st, "later", 8, "ok")
        assert st.previous_run(st.get_run(this)).id == failed
        assert st.previous_run(st.get_run(failed)).id == older
        assert st.previous_run(st.get_run(older)) is None
        # a run still being recorded (not in the store yet) has the same previous run
        assert st.previous_run(RunInfo(uuid="new", kind="inspect", scope="S", started_at=7.5)).id == failed


def _lookup():
    from ansible.plugins.loader import lookup_loader

    lookup_loader.add_directory(str(REPO_ROOT / "plugins" / "lookup"))
    return lookup_loader.get("courtops_previous_run")


def test_the_lookup_answers_for_the_run_the_recorder_announced(tmp_path: Path, monkeypatch):
    store = tmp_path / "s.sqlite3"
    with Store(store) as st:
        _run(st, "monthly-1", 10, "ok", scope="inspect|monthly")
        _run(st, "quarterly-1", 20, "ok", scope="inspect|quarterly")
    monkeypatch.delenv(CURRENT_RUN_ENV, raising=False)
    assert _lookup().run(["inspect"], store=str(store)) == [None]  # no run announced: no guess
    announce(RunInfo(uuid="monthly-2", kind="inspect", scope="inspect|monthly", started_at=30))
    assert current_run() == RunInfo(uuid="monthly-2", kind="inspect", scope="inspect|monthly", started_at=30)
    assert _lookup().run(["inspect"], store=str(store)) == [10]  # the monthly one, not the later quarterly
    assert _lookup().run(["audit"], store=str(store)) == [None]  # not the kind being recorded
    monkeypatch.setenv(CURRENT_RUN_ENV, "{not json")
    assert current_run() is None
