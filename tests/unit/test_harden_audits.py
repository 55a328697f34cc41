"""The two audits of one hardening run in the results store (courtops.harden_audits), the 差距分析 of a
hardening run (its audit after; 符合率 per class and overall before → after), `courtops harden scores`
from the store. The integration test (tests/integration/harden_combined.py) renders it from a real run."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.cli import main
from courtops.findings import Finding
from courtops.harden_audits import BEFORE_MARK, audits, scores
from courtops.report import REPORTS, write_report
from courtops.report.model import build_dengbao
from courtops.store import HostInfo, RunInfo, Store, TaskResult

EVALUATE = "Judge every host against the catalogue"


def _f(host: str, cid: str, verdict: str, platform: str = "linux_deb") -> Finding:
    return Finding(
        host=host,
        platform=platform,
        control_id=cid,
        clause="8.1.4.1 a)",
        verdict=verdict,
        record=f"经现场核查：{verdict}",
        expected="",
        actual="",
        layer="安全计算环境",
        control_point="身份鉴别",
        title=f"测评项 {cid}",
    )


def _result(task: str, ended_at: float, findings: list[Finding] = []) -> TaskResult:  # noqa: B006 (read only)
    return TaskResult(host="localhost", status="ok", ended_at=ended_at, task=task, findings=list(findings))


BEFORE = [
    _f("srv1", "L3-CES1-01", "不符合"), _f("srv1", "L3-CES1-02", "符合"), _f("srv1", "L3-CES1-04", "待人工"),
    _f("pc1", "L3-CES1-01", "部分符合"), _f("pc1", "L3-CES1-02", "不符合"),
    _f("sw1", "L3-CES1-01", "不符合", "vrp"), _f("sw1", "L3-CES1-03", "不符合", "vrp"),
]  # fmt: skip
AFTER = [
    _f("srv1", "L3-CES1-01", "符合"), _f("srv1", "L3-CES1-02", "符合"), _f("srv1", "L3-CES1-04", "待人工"),
    _f("pc1", "L3-CES1-01", "符合"), _f("pc1", "L3-CES1-02", "符合"),
    _f("sw1", "L3-CES1-01", "符合", "vrp"), _f("sw1", "L3-CES1-03", "不符合", "vrp"),
]  # fmt: skip
HOSTS = [
    HostInfo("srv1", platform="linux_deb", asset={"asset_class": "servers"}),
    HostInfo("pc1", platform="linux_deb", asset={"asset_class": "pcs"}),
    HostInfo("sw1", platform="vrp", asset={"asset_class": "network"}),
]


def _harden_run(store: Store, *, kind: str = "harden", marker: bool = True) -> int:
    run_id = store.start_run(RunInfo(uuid=f"u-{kind}-{marker}", kind=kind, scope=f"{kind}|x|change_id=CHG-1"))
    # as the recorder writes them: the audit before's findings and the marker in ONE batch (the store
    # writes a batch's plain results first, so the marker's id is lower than the findings' result id)
    first = [_result(EVALUATE, 100.0, BEFORE)] + ([_result(BEFORE_MARK, 101.0)] if marker else [])
    store.write_batch(run_id, results=first, hosts=HOSTS)
    store.write_batch(
        run_id, results=[_result("L3-CES1-01 | set minlen", 150.0), _result(EVALUATE, 200.0, AFTER)]
    )
    store.finish_run(run_id, "ok")
    return run_id


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "courtops.sqlite3")


def test_the_two_audits_of_a_hardening_run_are_told_apart(store: Store) -> None:
    run = store.get_run(_harden_run(store))
    pair = audits(store, run)
    assert pair is not None
    assert [(f.host, f.control_id, f.verdict) for f in pair.before] == [
        (f.host, f.control_id, f.verdict) for f in BEFORE
    ]
    assert [(f.host, f.control_id, f.verdict) for f in pair.after] == [
        (f.host, f.control_id, f.verdict) for f in AFTER
    ]


def test_no_split_for_an_audit_run_or_a_hardening_run_without_its_audits(store: Store) -> None:
    assert audits(store, store.get_run(_harden_run(store, kind="audit"))) is None
    without = store.get_run(_harden_run(store, marker=False))
    assert audits(store, without) is None and scores(store, without) is None


def test_scores_per_class_and_overall_before_and_after(store: Store) -> None:
    rows = scores(store, store.get_run(_harden_run(store)))
    assert rows is not None
    got = {r.cls: (r.hosts, r.before.text(), r.after.text()) for r in rows}
    assert got == {
        "servers": (1, "50.0% (1/2)", "100.0% (2/2)"),
        "pcs": (1, "0.0% (0/2)", "100.0% (2/2)"),
        "network": (1, "0.0% (0/2)", "50.0% (1/2)"),
        "合计": (3, "16.7% (1/6)", "83.3% (5/6)"),
    }
    assert rows[-1].cls == "合计"


def test_the_dengbao_report_of_a_hardening_run_judges_its_audit_after(store: Store, tmp_path: Path) -> None:
    run = store.get_run(_harden_run(store))
    ctx = build_dengbao(store, run)
    assert ctx["totals"]["符合"] == 5 and ctx["totals"]["不符合"] == 1 and ctx["totals"]["部分符合"] == 0
    assert [(r.host, r.control_id) for r in ctx["rows"] if r.verdict == "不符合"] == [("sw1", "L3-CES1-03")]
    html = write_report(REPORTS["dengbao"], store, run, tmp_path / "out", ("html",))[0].read_text(
        encoding="utf-8"
    )
    assert "加固前后等保符合率" in html
    for label, before, after in (("服务器", "50.0% (1/2)", "100.0% (2/2)"), ("网络设备", "0.0% (0/2)", "50.0% (1/2)"),
                                 ("全部主机", "16.7% (1/6)", "83.3% (5/6)")):  # fmt: skip
        assert f"{label}</" in html and f'>{before}</td><td class="num">{after}</td>' in html, label


def test_the_dengbao_report_of_an_audit_run_is_as_before(store: Store, tmp_path: Path) -> None:
    run = store.get_run(_harden_run(store, kind="audit"))
    ctx = build_dengbao(store, run)
    assert sum(ctx["totals"].values()) == len(BEFORE) + len(AFTER) and ctx["harden_scores"] == []
    html = write_report(REPORTS["dengbao"], store, run, tmp_path / "out", ("html",))[0].read_text(
        encoding="utf-8"
    )
    assert "加固前后等保符合率" not in html


def test_cli_scores_from_the_store(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    run_id = _harden_run(store)
    assert main(["harden", "scores", "--store", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert f"#{run_id}" in out and "合计" in out and "16.7% (1/6) → 83.3% (5/6)" in out
    assert "servers" in out and "50.0% (1/2) → 100.0% (2/2)" in out


def test_cli_scores_of_a_run_without_audits_says_so(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    run_id = _harden_run(store, marker=False)
    assert main(["harden", "scores", "--store", str(store.path), "--run", str(run_id)]) != 0
    assert "no audit before and after" in capsys.readouterr().err
