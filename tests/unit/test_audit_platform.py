"""The platform the evaluation play resolves must be the one the collecting plays' `when:` used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from courtops import vendors
from courtops.audit_platform import HOST_PLATFORMS, audit_platform

REPO = Path(__file__).resolve().parents[2]

CASES: list[dict[str, Any]] = [
    {"asset_platform": "linux_rpm", "group_names": ["linux_deb", "servers"]},
    {"asset_platform": "windows", "group_names": []},
    {"group_names": ["intranet", "linux_rpm", "linux_deb"]},
    {"group_names": ["intranet", "servers"]},
    {"group_names": ["network_cli", vendors.platforms()[0]]},
    {"group_names": ["cameras", "snmp_device"]},
    {"group_names": []},
]


def _play_rule() -> tuple[str, str]:
    plays = yaml.safe_load((REPO / "playbooks" / "audit.yml").read_text(encoding="utf-8"))
    linux = next(p for p in plays if "Linux" in p["name"])
    return linux["vars"]["dengbao_platforms"], linux["vars"]["dengbao_platform"]


def test_the_playbook_lists_the_same_host_platforms() -> None:
    platforms_expr, _ = _play_rule()
    assert platforms_expr.startswith(
        "{{ " + repr(list(HOST_PLATFORMS)) + " + lookup('courtops_vendor', 'platforms')"
    )


@pytest.mark.parametrize("hostvars", CASES)
def test_controller_rule_matches_the_playbook_expression(hostvars: dict[str, Any]) -> None:
    _, platform_expr = _play_rule()
    platforms = list(HOST_PLATFORMS) + list(vendors.platforms())  # what the play's lookup returns
    templar = Templar(loader=DataLoader(), variables=dict(hostvars, dengbao_platforms=platforms))
    assert audit_platform(hostvars) == templar.template(trust_as_template(platform_expr))


def test_evaluation_judges_only_hosts_a_collecting_play_registered() -> None:
    import importlib.util

    path = REPO / "plugins" / "action" / "courtops_dengbao_evaluate.py"
    spec = importlib.util.spec_from_file_location("courtops_dengbao_evaluate_t", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hostvars = {
        "srv": {"dengbao_linux": {"skipped": True}},
        "sw": {"dengbao_network": {"results": []}},
        "win": {"dengbao_windows": {"unreachable": True}},
        "printer": {"asset_platform": "snmp_device"},
    }
    assert list(module._audited(hostvars, ["printer", "sw", "srv", "win", "absent"])) == ["sw", "srv", "win"]
