"""roles/harden_windows cannot run here (no Windows host in the lab): these tests render, with Ansible's
own loader and templar, what the role would send — every module task with its arguments, per toggle,
exception and threshold — and check each argument against the module's documented options. The
modules themselves are not executed; `win_service_info` is taken to report every forbidden service
as installed (the one registered result the role reads)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from courtops import catalogue

REPO = Path(__file__).resolve().parents[2]
ROLE = REPO / "roles" / "harden_windows"
COLLECTIONS = Path(yaml.__file__).resolve().parents[1] / "ansible_collections"
THRESHOLDS = catalogue.default().thresholds

Send = tuple[str, str, dict[str, Any]]


class RoleFails(Exception):
    """An assert of the role would stop the host (its message)."""


def _render(**overrides: Any) -> list[Send]:
    loader = DataLoader()
    variables: dict[str, Any] = dict(
        loader.load_from_file(str(ROLE / "defaults" / "main.yml"), trusted_as_template=True)
    )
    variables.update(overrides)
    templar = Templar(loader=loader, variables=variables)
    main = loader.load_from_file(str(ROLE / "tasks" / "main.yml"), trusted_as_template=True)
    variables["harden_windows_excepted"] = templar.template(
        main[0]["ansible.builtin.set_fact"]["harden_windows_excepted"]
    )
    variables["harden_windows__services"] = {
        "results": [
            {"item": s, "exists": True}
            for s in templar.template(variables["harden_windows_win_forbidden_services"])
        ]
    }
    sends: list[Send] = []
    for imported in main[1:]:
        templar = Templar(loader=loader, variables=variables)
        if not templar.evaluate_conditional(imported["when"]):
            continue
        for task in loader.load_from_file(
            str(ROLE / "tasks" / imported["ansible.builtin.import_tasks"]), trusted_as_template=True
        ):
            module = next(k for k in task if k.startswith(("ansible.", "community.")))
            if module == "ansible.builtin.assert":
                if not all(templar.evaluate_conditional(c) for c in _list(task[module]["that"])):
                    raise RoleFails(templar.template(task[module]["fail_msg"]))
                continue
            items = templar.template(task["loop"]) if "loop" in task else [None]
            for item in items:
                local = Templar(loader=loader, variables={**variables, "item": item})
                sends.append((str(task["name"]), module, local.template(task[module])))
    return sends


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _policy(sends: list[Send]) -> dict[str, Any]:
    return {a["key"]: int(a["value"]) for _, m, a in sends if m == "community.windows.win_security_policy"}


def _registry(sends: list[Send]) -> dict[str, Any]:
    return {f"{a['path']}\\{a['name']}": a["data"] for _, m, a in sends if m == "ansible.windows.win_regedit"}


def _options(module: str) -> dict[str, Any]:
    namespace, collection, name = module.split(".")
    source = (COLLECTIONS / namespace / collection / "plugins" / "modules" / f"{name}.py").read_text(
        encoding="utf-8"
    )
    doc = next(
        node.value.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DOCUMENTATION"
    )
    return dict(yaml.safe_load(doc)["options"])


def test_default_run_sends_the_audit_thresholds() -> None:
    sends = _render(harden_windows_rdp_allowed_sources=["10.10.0.0/16"])
    assert _policy(sends) == {
        "MinimumPasswordLength": THRESHOLDS["dengbao_password_min_length"],
        "PasswordComplexity": 1,
        "MaximumPasswordAge": THRESHOLDS["dengbao_password_max_age"],
        "MinimumPasswordAge": THRESHOLDS["dengbao_password_min_age"],
        "PasswordHistorySize": THRESHOLDS["dengbao_password_history"],
        "ClearTextPassword": 0,
        "LockoutBadCount": THRESHOLDS["dengbao_lockout_threshold"],
        "ResetLockoutCount": THRESHOLDS["dengbao_lockout_reset_min"],
        "LockoutDuration": THRESHOLDS["dengbao_lockout_duration_min"],
        "EnableGuestAccount": 0,
    }
    reg = _registry(sends)
    assert int(reg[r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\InactivityTimeoutSecs"]) == THRESHOLDS["dengbao_desktop_lock_s"]  # fmt: skip
    assert (
        reg[r"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\SecurityLayer"] == 2
    )
    assert reg[r"HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\SMB1"] == 0
    log = next(a for _, m, a in sends if m == "ansible.windows.win_eventlog")
    assert log == {"name": "Security", "maximum_size": f"{THRESHOLDS['dengbao_eventlog_security_min_kb']}KB"}
    stopped = sorted(
        a["name"] for n, m, a in sends if n.startswith("L3-CES1-18") and m == "ansible.windows.win_service"
    )
    assert stopped == sorted(THRESHOLDS["dengbao_win_forbidden_services"])
    audited = {
        a["category"]: a["audit_type"] for _, m, a in sends if m == "ansible.windows.win_audit_policy_system"
    }
    assert set(audited) >= {"Logon/Logoff", "Account Logon", "Policy Change"}
    assert all(v == ["success", "failure"] for v in audited.values())
    rule = next(a for _, m, a in sends if m == "community.windows.win_firewall_rule")
    assert rule["remoteip"] == "10.10.0.0/16" and rule["localport"] == 3389 and rule["action"] == "allow"


def test_every_sent_argument_is_an_option_of_its_module_with_a_valid_choice() -> None:
    for name, module, args in _render(harden_windows_rdp_allowed_sources=["10.10.0.0/16"]):
        options = _options(module)
        for key, value in args.items():
            assert key in options, f"{name}: {module} has no option {key!r}"
            choices = options[key].get("choices")
            for v in _list(value) if choices else []:
                assert v in choices, f"{name}: {key}={v!r} not in {choices}"


@pytest.mark.parametrize(
    "cid", ["L3-CES1-01", "L3-CES1-02", "L3-CES1-12", "L3-CES1-14", "L3-CES1-18", "L3-CES1-19"]
)
def test_each_toggle_and_each_exception_removes_exactly_its_control(cid: str) -> None:
    base = {"harden_windows_rdp_allowed_sources": ["10.10.0.0/16"]}
    every = {n.split(" | ")[0] for n, _, _ in _render(**base)}
    toggle = "harden_windows_" + cid.lower().replace("-", "_")
    off = {n.split(" | ")[0] for n, _, _ in _render(**base, **{toggle: False})}
    exception = [{"control_id": cid, "reason": "测试", "approver": "测试", "expires": "2099-12-31"}]
    excepted = {n.split(" | ")[0] for n, _, _ in _render(**base, dengbao_exceptions=exception)}
    assert cid in every and off == excepted == every - {cid}


def test_a_court_threshold_reaches_the_policy() -> None:
    sends = _render(harden_windows_rdp_allowed_sources=["10.10.0.0/16"], dengbao_password_min_length=12)
    assert _policy(sends)["MinimumPasswordLength"] == 12


def test_a_lockout_that_never_ends_is_refused() -> None:
    with pytest.raises(RoleFails, match="harden_windows_lockout_duration_min"):
        _render(harden_windows_rdp_allowed_sources=["10.10.0.0/16"], harden_windows_lockout_duration_min=0)


def test_without_management_networks_the_firewall_is_not_touched() -> None:
    with pytest.raises(RoleFails, match="harden_windows_rdp_allowed_sources"):
        _render()
    sends = _render(harden_windows_l3_ces1_19=False)
    assert not any(
        m in ("ansible.windows.win_firewall", "community.windows.win_firewall_rule") for _, m, _ in sends
    )
