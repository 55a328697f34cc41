"""courtops.harden_scores and `courtops harden scores`: the 符合 share per host class before → after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from courtops.cli import main
from courtops.harden_scores import host_classes, shares, table


def f(host: str, cid: str, verdict: str, platform: str = "linux_deb") -> dict[str, str]:
    return {"host": host, "control_id": cid, "verdict": verdict, "platform": platform}


BEFORE = [
    f("srv1", "L3-CES1-01", "不符合"), f("srv1", "L3-CES1-02", "符合"), f("srv1", "L3-CES1-04", "待人工"),
    f("pc1", "L3-CES1-01", "部分符合"), f("pc1", "L3-CES1-02", "不符合"), f("pc1", "L3-CES1-33", "已批准例外"),
    f("rpm1", "L3-CES1-01", "不符合", "linux_rpm"), f("rpm1", "L3-CES1-20", "不适用", "linux_rpm"),
]  # fmt: skip
AFTER = [
    f("srv1", "L3-CES1-01", "符合"), f("srv1", "L3-CES1-02", "符合"), f("srv1", "L3-CES1-04", "待人工"),
    f("pc1", "L3-CES1-01", "符合"), f("pc1", "L3-CES1-02", "符合"), f("pc1", "L3-CES1-33", "已批准例外"),
    f("rpm1", "L3-CES1-01", "符合", "linux_rpm"), f("rpm1", "L3-CES1-20", "不适用", "linux_rpm"),
]  # fmt: skip
INVENTORY = {
    "_meta": {"hostvars": {"srv1": {"asset_class": "servers"}, "pc1": {"asset_class": "pcs"}, "rpm1": {}}}
}


def test_only_judged_items_count_and_hosts_group_by_class_else_platform() -> None:
    classes = host_classes(INVENTORY)
    assert classes == {"srv1": "servers", "pc1": "pcs"}
    before = shares(BEFORE, classes)
    assert {c: (s.hosts, s.compliant, s.judged) for c, s in before.items()} == {
        "servers": (1, 1, 2),
        "pcs": (1, 0, 2),
        "linux_rpm": (1, 0, 1),
    }
    assert before["servers"].percent == 50.0 and before["pcs"].percent == 0.0
    after = shares(AFTER, classes)
    assert all(s.percent == 100.0 for s in after.values())


def test_a_class_with_nothing_judged_is_a_dash_not_a_score() -> None:
    only_manual = shares([f("x", "L3-CES1-04", "待人工")], {})
    assert only_manual["linux_deb"].percent is None
    assert "— (0/0)" in table(only_manual, only_manual)[1]


def test_cli_prints_before_and_after_per_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, rows in (("audit-before", BEFORE), ("audit-after", AFTER)):
        (tmp_path / name / "latest").mkdir(parents=True)
        (tmp_path / name / "latest" / "findings.json").write_text(json.dumps(rows), encoding="utf-8")
    (tmp_path / "inv.json").write_text(json.dumps(INVENTORY), encoding="utf-8")
    assert main(["harden", "scores", str(tmp_path), "--inventory-json", str(tmp_path / "inv.json")]) == 0
    out = capsys.readouterr().out
    assert "servers" in out and "50.0% (1/2) → 100.0% (2/2)" in out
    assert "pcs" in out and "0.0% (0/2) → 100.0% (2/2)" in out


def test_cli_without_the_audits_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["harden", "scores", str(tmp_path)]) != 0
    assert "audit-before" in capsys.readouterr().err
