"""Evaluator rules beyond the recorded cases: thresholds, junk evidence, the export shape."""

from __future__ import annotations

import importlib.util
import json
import random
from typing import Any

import pytest

from courtops import catalogue, evaluator
from courtops.findings import EXPORT_KEYS
from tests.unit.casekit import REPO, evidence_of

PLATFORMS = ("windows", "linux_deb", "linux_rpm", "vrp", "comware", "ios")


def _by_id(findings: list[Any]) -> dict[str, Any]:
    return {f.control_id: f for f in findings}


def test_thresholds_from_group_vars_tighten_the_check() -> None:
    cat = catalogue.default()
    ev = evidence_of("rpm_hardened")
    default = _by_id(evaluator.evaluate_host(cat, "h", "linux_rpm", ev))["L3-CES1-01"]
    strict = _by_id(evaluator.evaluate_host(cat, "h", "linux_rpm", ev, {"dengbao_password_min_length": 12}))
    assert default.verdict == "符合"
    assert strict["L3-CES1-01"].verdict == "部分符合" and evaluator.failed_checks(strict["L3-CES1-01"]) == [
        "minlen"
    ]
    assert "≥12" in strict["L3-CES1-01"].expected
    # unknown variables are ignored, not applied
    same = _by_id(evaluator.evaluate_host(cat, "h", "linux_rpm", ev, {"dengbao_nonsense": 1}))
    assert same["L3-CES1-01"].verdict == "符合"


# (well-formed empties like [] are real evidence — "no shares" — so they are not junk here)
JUNK: list[Any] = [None, 0, -1, "", "垃圾", b"\xff\xfe\x00", [1, "x"], {"a": None}, 3.5, True]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_junk_evidence_never_crashes_and_never_passes_a_check(platform: str) -> None:
    rng = random.Random(platform)
    keys = [
        "secedit", "auditpol", "registry", "users", "services", "shares", "firewall", "hotfixes", "av",
        "winrm", "smb1", "files", "passwd", "shadow", "stat", "listening", "packages", "updates",
        "commands", "selinux", "aide", "collected_at", "world_writable", "pam_modules",
    ]  # fmt: skip
    cat = catalogue.default()
    for _ in range(60):
        ev = {k: rng.choice(JUNK) for k in rng.sample(keys, rng.randint(1, len(keys)))}
        for f in evaluator.evaluate_host(cat, "junk", platform, ev):
            rule = cat.by_id(f.control_id).platforms[platform]
            if rule.kind == "checks":
                assert f.verdict != "符合", (f.control_id, ev, f.record)


def test_unusable_evidence_is_waiting_for_a_person() -> None:
    cat = catalogue.default()
    for ev in (None, {}, "text", {"unreachable": True, "msg": "timeout"}, {"failed": True, "msg": "boom"}):
        for f in evaluator.evaluate_host(cat, "h", "linux_deb", ev):
            assert f.verdict in ("待人工", "不适用"), (ev, f)


def test_export_has_the_contract_keys_first_and_is_json() -> None:
    f = evaluator.evaluate_host(catalogue.default(), "h", "ios", evidence_of("ios_hardened"))[0]
    data = f.export()
    assert tuple(data)[: len(EXPORT_KEYS)] == EXPORT_KEYS
    json.dumps(data, ensure_ascii=False)
    assert "evidence" not in data


def test_remediation_names_the_toggle() -> None:
    for f in evaluator.evaluate_host(catalogue.default(), "h", "linux_deb", evidence_of("deb10_stock")):
        assert "dengbao_" + f.control_id.lower().replace("-", "_") in f.remediation, f.control_id


def _plugin() -> Any:
    path = REPO / "plugins" / "action" / "courtops_dengbao_evaluate.py"
    spec = importlib.util.spec_from_file_location("courtops_dengbao_evaluate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plugin_turns_registered_results_into_evidence() -> None:
    ev = _plugin()._evidence
    assert ev({"dengbao_linux": {"unreachable": True, "msg": "no route"}}, "linux_deb")["unreachable"] is True
    assert ev({"dengbao_linux": {"skipped": True}}, "linux_deb")["failed"] is True
    assert ev({"dengbao_linux": {"evidence": {"files": {}}}}, "linux_rpm") == {"files": {}}
    net = {
        "dengbao_network": {
            "results": [
                {"item": "show running-config", "stdout": "hostname r1"},
                {"item": "show ip interface brief", "failed": True, "msg": "% Invalid input"},
            ]
        }
    }
    got = ev(net, "ios")
    assert got["commands"] == {"show running-config": "hostname r1"} and got["errors"]
    assert ev({"dengbao_network": {"results": [{"unreachable": True, "msg": "x"}]}}, "vrp")["unreachable"]
