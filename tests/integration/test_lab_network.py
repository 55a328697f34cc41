"""Simulated network devices: every show command answers through Ansible network_cli (our VRP /
Comware cliconf + terminal plugins, cisco.ios for IOS), with the seeded compliant or non-compliant
configuration. Host keys are checked (pinned in ~/.ssh/known_hosts by `lab up`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Lab

pytestmark = pytest.mark.lab

PLAYBOOK = Path(__file__).parent / "playbooks" / "network_show.yml"

#: (command, text a compliant device shows, text a non-compliant device shows)
EXPECT: dict[str, list[tuple[str, str, str]]] = {
    "vrp": [
        ("display current-configuration", "telnet server disable", "telnet server enable"),
        ("display current-configuration", " idle-timeout 10 0", " idle-timeout 0 0"),
        ("display current-configuration", "  password expire 90", "undo local-aaa-user password policy"),
        ("display version", "VRP (R) software, Version 5.170", "VRP (R) software, Version 5.170"),
        ("display cpu-usage", "CPU Usage            : 7%", "CPU Usage            : 7%"),
        ("display memory-usage", "Memory Using Percentage Is: 46%", "Memory Using Percentage Is: 46%"),
        ("display interface brief", "GigabitEthernet0/0/1        up", "GigabitEthernet0/0/1        up"),
        ("display ntp-service status", "clock status: synchronized", "clock status: unsynchronized"),
        ("display ssh server status", "SSH version                         :2.0", ":1.99"),
        ("display telnet server status", "TELNET IPv4 server                      :Disable", ":Enable"),
    ],
    "comware": [
        ("display current-configuration", " undo telnet server enable", "\n telnet server enable"),
        (
            "display current-configuration",
            " password-control login-attempt 5 exceed lock-time 10",
            " password simple",
        ),
        ("display version", "Comware Software, Version 7.1.070", "Comware Software, Version 7.1.070"),
        ("display cpu-usage", "in last 5 seconds", "in last 5 seconds"),
        ("display memory", "FreeRatio", "FreeRatio"),
        ("display interface brief", "Vlan100              UP   UP", "Vlan100              UP   UP"),
        ("display ntp-service status", "Clock status: synchronized", "Clock status: unsynchronized"),
        (
            "display password-control",
            "Password control:                Enabled",
            "Password control:                Disabled",
        ),
        ("display ssh server status", "SSH version : 2.0", "SSH version : 1.99"),
        ("display local-user", "Service type:              SSH/Terminal", "Telnet/FTP/HTTP/SSH/Terminal"),
    ],
    "ios": [
        ("show running-config", "transport input ssh", "transport input telnet ssh"),
        ("show running-config", "security passwords min-length 8", "enable password cisco123"),
        ("show version", "Cisco IOS XE Software, Version 17.09.04a", "C9200L-24P-4G"),
        ("show processes cpu", "CPU utilization for five seconds", "CPU utilization for five seconds"),
        ("show ip interface brief", "Vlan100", "Vlan100"),
        ("show ntp status", "Clock is synchronized", "Clock is unsynchronized"),
        ("show ip ssh", "SSH Enabled - version 2.0", "SSH Enabled - version 1.99"),
        ("show privilege", "Current privilege level is 15", "Current privilege level is 15"),
    ],
}


@pytest.fixture(scope="module")
def show_results(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    backup = tmp_path_factory.mktemp("backup")
    proc = lab.playbook(PLAYBOOK, "-e", f"lab_backup_dir={backup}")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0, json.dumps(data.get("stats"), indent=1) + proc.stderr[-2000:]
    per_host: dict[str, Any] = {"_backup": backup}
    for task in data["plays"][0]["tasks"]:
        for host, res in task["hosts"].items():
            per_host.setdefault(host, {})[task["task"]["name"]] = res
    return per_host


def test_every_device_in_the_inventory_was_reached(lab: Lab, show_results: dict[str, Any]) -> None:
    reached = sorted(h for h in show_results if not h.startswith("_"))
    assert reached == sorted(d.name for d in [*lab.network, *lab.spares])
    assert {d.platform for d in lab.spares} == {"vrp", "comware", "ios"}, "one spare per platform"
    vendors = {d.platform for d in lab.network}
    assert vendors == {"vrp", "comware", "ios"}
    for vendor in vendors:
        states = {d.vars["lab_compliant"] for d in lab.network if d.platform == vendor}
        assert states == {True, False}, f"{vendor}: needs one compliant and one non-compliant device"


@pytest.mark.parametrize("platform", ["vrp", "comware", "ios"])
def test_show_commands_return_the_seeded_state(lab: Lab, show_results: dict[str, Any], platform: str) -> None:
    for dev in (d for d in lab.network if d.platform == platform):
        outputs = {
            r["item"]: r["stdout"] for r in show_results[dev.name]["Run every show command"]["results"]
        }
        assert all(out.strip() for out in outputs.values()), dev.name
        assert dev.name in outputs[EXPECT[platform][0][0]], "the configuration names its own device"
        for command, good, bad in EXPECT[platform]:
            want = good if dev.vars["lab_compliant"] else bad
            assert want in outputs[command], f"{dev.name} `{command}`: {want!r} missing"
        config = outputs[EXPECT[platform][0][0]]
        telnet_on = re.search(r"^\s*(telnet server enable|transport input (telnet|all))", config, re.M)
        assert bool(telnet_on) != dev.vars["lab_compliant"], (
            f"{dev.name}: telnet state contradicts its profile"
        )


def test_backups_hold_the_running_configuration(lab: Lab, show_results: dict[str, Any]) -> None:
    backup: Path = show_results["_backup"]
    for dev in lab.network:
        text = (backup / f"{dev.name}.cfg").read_text(encoding="utf-8")
        assert dev.name in text and dev.address in text


def test_ios_collection_module_works(lab: Lab, show_results: dict[str, Any]) -> None:
    for dev in (d for d in lab.network if d.platform == "ios"):
        res = show_results[dev.name]["Cisco IOS through its own collection (needs `show privilege`)"]
        assert "Cisco IOS XE Software" in res["stdout"][0]


def test_unknown_commands_fail_like_a_real_device(lab: Lab) -> None:
    dev = next(d for d in lab.network if d.platform == "vrp")
    res = lab.ansible(dev.name, "ansible.netcommon.cli_command", json.dumps({"command": "display nonsense"}))
    assert res[dev.name].get("failed") and "Unrecognized command" in res[dev.name]["msg"]
