"""The patch-compliance data (issue 13) and its report sections, from a store with patch results."""

from __future__ import annotations

import time

from courtops.report import REPORTS
from courtops.report.patch_compliance import groups, host_states, summary
from courtops.report.render import render_html
from courtops.store import PatchResult, RunInfo, Store

DAY = 86400.0
NOW = 1_800_000_000.0


def row(host: str, result: str, age_days: float, **kw) -> PatchResult:  # type: ignore[no-untyped-def]
    at = NOW - age_days * DAY
    return PatchResult(host=host, result=result, started_at=at - 60, ended_at=at, **kw)


def store_with(tmp_path, rows: list[PatchResult]) -> Store:  # type: ignore[no-untyped-def]
    s = Store(tmp_path / "store.sqlite3")
    s.add_patch_results(rows)
    return s


def test_latest_result_per_host_gives_age_pending_reboot_and_calendar_skips(tmp_path):
    upd = [
        {"name": "a", "candidate": "2", "security": True},
        {"name": "b", "candidate": "2", "security": False},
    ]
    rows = [
        row("pc1", "patched", 10, zone="intranet", klass="pcs", pending=3, pending_security=1, updates=upd),
        row("pc2", "patched", 40, zone="intranet", klass="pcs", pending=2, pending_security=1, updates=upd,
            reboot_required=True),
        row("ct1", "patched", 50, zone="courtroom", klass="pcs", pending=1, pending_security=0,
            updates=upd[1:]),
        row("ct1", "skipped", 1, zone="courtroom", klass="pcs", blocked_by="courtroom_bx01 （2026）京0118民初1号"),
        row("srv1", "failed", 2, zone="management", klass="servers", reason="预检未通过：结果库中没有该主机的配置备份"),
        row("pc3", "planned", 0, zone="intranet", klass="pcs", pending=5),  # --check never counts
    ]  # fmt: skip
    with store_with(tmp_path, rows) as s:
        states = {h.host: h for h in host_states(s.patch_results())}
    assert set(states) == {"pc1", "pc2", "ct1", "srv1"}
    assert states["pc1"].pending == 1 and states["pc1"].pending_security == 0
    assert states["pc2"].reboot_pending
    assert (
        states["ct1"].calendar_skipped and states["ct1"].days_since(NOW) == 50 and states["ct1"].pending == 0
    )
    assert states["srv1"].pending is None and states["srv1"].days_since(NOW) is None  # never known: not 0
    by = {(g["zone"], g["klass"]): g for g in groups(list(states.values()), NOW)}
    intranet = by[("内网", "pcs")]
    assert intranet["hosts"] == 2 and intranet["oldest_days"] == 40 and intranet["pending"] == 1
    assert intranet["reboot_pending"] == 1
    assert by[("审判法庭", "pcs")]["calendar_skipped"] == 1
    assert by[("管理区", "servers")]["pending"] is None and by[("管理区", "servers")]["never_patched"] == 1


def test_patch_report_and_sections_render_the_same_data(tmp_path):
    rows = [
        row(
            "ct1",
            "skipped",
            1,
            zone="courtroom",
            klass="pcs",
            blocked_by="courtroom_bx01 （2026）京0118民初1号",
        )
    ]
    with store_with(tmp_path, rows) as s:
        run_id = s.start_run(
            RunInfo(uuid="u1", kind="patch", playbook="playbooks/patch.yml", started_at=time.time())
        )
        s.finish_run(run_id, "ok")
        run = s.get_run(run_id)
        html = render_html("patch.html.j2", REPORTS["patch"].build(s, run) | {"report_title": "补丁合规报告"})
        section = render_html("_quarterly_patch.html.j2", summary(s, now=NOW))
    for text in (html, section):
        assert "审判法庭" in text and "（2026）京0118民初1号" in text and "未知（待人工）" in text
    assert "六、补丁管理情况" in section


def test_an_empty_store_says_there_is_no_patch_record(tmp_path):
    with store_with(tmp_path, []) as s:
        assert "尚无补丁记录" in render_html("_inspection_patch.html.j2", summary(s, now=NOW))
