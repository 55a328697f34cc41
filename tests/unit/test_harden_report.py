"""The hardening reports (courtops/report/harden.py, courtops/harden_outcome.py) and the threshold lookup."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from courtops import catalogue
from courtops.harden_outcome import outcome
from courtops.report.harden import Change, control_of, describe, write_outcome, write_preview

REPO = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_control_of_reads_plain_and_role_task_names() -> None:
    assert control_of("L3-CES1-02 | 会话超时") == ("L3-CES1-02", "会话超时")
    assert control_of("harden_linux : L3-CES1-18 | 停用服务") == ("L3-CES1-18", "停用服务")
    assert control_of("Harden | Back up the files") == ("", "Harden | Back up the files")


def test_describe_shows_before_after_and_hides_shadow() -> None:
    res = {
        "diff": {
            "before": "a\nminlen = 4\n",
            "after": "a\nminlen = 8\n",
            "before_header": "/etc/security/pwquality.conf",
        }
    }
    before, after, diff = describe(res, {"path": "/etc/security/pwquality.conf"})
    assert before == "minlen = 4" and after == "minlen = 8" and "-minlen = 4" in diff
    secret = {"diff": {"before": "toor:$6$salt$hash:1:0\n", "after": "", "before_header": "/etc/shadow"}}
    shown = describe(secret, {"path": "/etc/shadow"})
    assert not any("$6$" in part for part in shown)
    # no diff (a service): the module arguments say what the change is
    assert "state=stopped" in describe({}, {"name": "x.socket", "state": "stopped"})[1]


def test_preview_files_list_every_change_with_the_change_id(tmp_path: Path) -> None:
    changes = [
        Change("h1", "L3-CES1-02", "登录失败锁定", "deny", "# deny = 3", "deny = 5", ""),
        Change("h2", "L3-CES1-09", "权限", "/usr/local/bin/x", "mode=0777", "mode=0775", ""),
    ]
    meta = {
        "change_id": "CHG-2026-031",
        "check_mode": True,
        "playbook": "playbooks/harden.yml",
        "started_at": 0.0,
    }
    write_preview(changes, meta, tmp_path)
    html = (tmp_path / "change-preview.html").read_text(encoding="utf-8")
    assert "CHG-2026-031" in html and "deny = 5" in html and "mode=0775" in html and "预览" in html
    rows = list(load_workbook(tmp_path / "change-preview.xlsx").active.iter_rows(values_only=True))
    assert ("h1", "L3-CES1-02", "登录失败锁定", "deny", "# deny = 3", "deny = 5") in rows
    assert ("变更单号", "CHG-2026-031") in [r[:2] for r in rows]
    data = json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))
    assert [c["control_id"] for c in data["changes"]] == ["L3-CES1-02", "L3-CES1-09"]


def _row(host: str, cid: str, verdict: str, **kw: Any) -> dict[str, Any]:
    return {
        "host": host,
        "control_id": cid,
        "verdict": verdict,
        "platform": "linux_deb",
        "title": cid,
        "weight": 1.0,
    } | kw


def test_outcome_sorts_items_into_fixed_not_fixed_manual_and_exceptions(tmp_path: Path) -> None:
    before = [
        _row("h", "L3-CES1-01", "不符合"),
        _row("h", "L3-CES1-02", "部分符合"),
        _row("h", "L3-CES1-04", "待人工", record="待人工核查：访谈"),
        _row("h", "L3-CES1-12", "不符合"),
        _row("h", "L3-CES1-18", "不符合"),
        _row("h", "L3-CES1-06", "符合"),
    ]
    after = [
        _row("h", "L3-CES1-01", "符合"),
        _row("h", "L3-CES1-02", "部分符合", failed_checks=["deny"], actual="deny=10"),
        _row("h", "L3-CES1-04", "待人工", record="待人工核查：访谈", reason="访谈"),
        _row("h", "L3-CES1-12", "待人工", record="经现场核查：…", reason="证据缺失：auditd"),
        _row("h", "L3-CES1-18", "已批准例外", reason="已批准例外：录播需要"),
        _row("h", "L3-CES1-06", "不符合"),
    ]
    (h,) = outcome(before, after)
    assert [m.control_id for m in h.fixed] == ["L3-CES1-01"]
    assert [m.control_id for m in h.not_fixed] == ["L3-CES1-02"] and "deny" in h.not_fixed[0].why
    assert [m.control_id for m in h.manual] == ["L3-CES1-04"]
    assert [m.control_id for m in h.unknown] == ["L3-CES1-12"]
    assert [m.control_id for m in h.excepted] == ["L3-CES1-18"]
    assert [m.control_id for m in h.worse] == ["L3-CES1-06"]
    assert h.score_before is not None and h.score_after is not None
    from dataclasses import asdict

    write_outcome([asdict(h)], {"change_id": "CHG-1", "check_mode": False, "started_at": 0.0}, tmp_path)
    assert "整改为符合" in (tmp_path / "outcome.html").read_text(encoding="utf-8")


def test_outcome_page_shows_the_share_per_class_and_overall_before_and_after(tmp_path: Path) -> None:
    from courtops.harden_outcome import as_dicts
    from courtops.harden_scores import OVERALL, compare, shares

    before = [
        _row("s", "L3-CES1-01", "不符合"),
        _row("s", "L3-CES1-02", "符合"),
        _row("p", "L3-CES1-01", "不符合"),
    ]
    after = [
        _row("s", "L3-CES1-01", "符合"),
        _row("s", "L3-CES1-02", "符合"),
        _row("p", "L3-CES1-01", "符合"),
    ]
    classes = {"s": "servers", "p": "pcs"}
    scores = [
        {
            "class": r.cls,
            "overall": r.cls == OVERALL,
            "hosts": r.hosts,
            "before": r.before.text(),
            "after": r.after.text(),
        }
        for r in compare(shares(before, classes), shares(after, classes))
    ]
    write_outcome(as_dicts(outcome(before, after)), {"change_id": "CHG-1"}, tmp_path, scores)
    html = (tmp_path / "outcome.html").read_text(encoding="utf-8")
    assert "各类主机等保符合率" in html
    assert (
        '<td>服务器</td><td class="num">1</td><td class="num">50.0% (1/2)</td><td class="num">100.0% (2/2)</td>'
        in html
    )
    assert (
        '<th>全部主机</th><td class="num">2</td><td class="num">33.3% (1/3)</td><td class="num">100.0% (3/3)</td>'
        in html
    )
    write_outcome([], {}, tmp_path)
    assert "无法计算符合率" in (tmp_path / "outcome.html").read_text(encoding="utf-8")


def test_a_host_missing_after_the_run_is_not_fixed() -> None:
    (h,) = outcome([_row("h", "L3-CES1-01", "不符合")], [])
    assert not h.audited_after and [m.control_id for m in h.not_fixed] == ["L3-CES1-01"]


def test_threshold_lookup_returns_the_catalogue_default_and_refuses_typos() -> None:
    lookup = _load(REPO / "plugins" / "lookup" / "courtops_threshold.py", "courtops_threshold").LookupModule()
    assert lookup.run(["dengbao_lockout_threshold"]) == [
        catalogue.default().thresholds["dengbao_lockout_threshold"]
    ]
    with pytest.raises(Exception, match="not a threshold"):
        lookup.run(["dengbao_lockout_treshold"])
