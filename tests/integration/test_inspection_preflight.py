"""The start of playbooks/inspect.yml checks the plan, thresholds and settings against the check
catalogue and stops the run before any host is contacted (the hosts here do not exist: TEST-NET-1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_tool

PREFLIGHT = "Check the plan, thresholds and settings against the check catalogue before contacting any host"


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    root = tmp_path / "inventory"
    (root / "group_vars").mkdir(parents=True)
    (root / "hosts.ini").write_text(
        "[pcs]\npc-a ansible_host=192.0.2.10\npc-b ansible_host=192.0.2.11\n"
        "[printers]\nprn-a ansible_host=192.0.2.20\n"
        "[linux_deb]\npc-a\npc-b\n[snmp_device]\nprn-a\n",
        encoding="utf-8",
    )
    return root


def inspect(inventory: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    proc = run_tool(
        "ansible-playbook",
        "-i",
        str(inventory),
        str(REPO / "playbooks" / "inspect.yml"),
        *extra,
        env={
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.json,courtops_recorder",
            "COURTOPS_STORE": str(tmp_path / "store.sqlite3"),
            "ANSIBLE_TIMEOUT": "3",
        },
    )
    data = json.loads(proc.stdout)
    tasks = [t for play in data["plays"] for t in play["tasks"]]
    return {"rc": proc.returncode, "tasks": tasks, "stderr": proc.stderr}


def preflight_message(run: dict[str, Any]) -> str:
    ran = [t["task"]["name"] for t in run["tasks"]]
    assert ran == ["Check the profile", PREFLIGHT], f"a task after the check ran: {ran}"
    [result] = run["tasks"][-1]["hosts"].values()
    assert result["failed"] is True
    return str(result["msg"])


def test_a_misspelt_check_stops_the_run_before_any_host_is_contacted(inventory, tmp_path):
    run = inspect(
        inventory, tmp_path, "-e", '{"inspection_plan": {"pcs": {"monthly": ["reachability", "dsik"]}}}'
    )
    assert run["rc"] != 0
    message = preflight_message(run)
    assert "inspection_plan.pcs.monthly: unknown check 'dsik' (did you mean 'disk'?)" in message


def test_a_string_threshold_or_setting_from_extra_vars_stops_the_run(inventory, tmp_path):
    thresholds = {
        "cpu_load_per_core": {"warn": 1.5, "fault": 4.0}, "cpu_pct": {"warn": 80, "fault": 95},
        "memory_used_pct": {"warn": 85, "fault": 95}, "disk_used_pct": {"warn": "80", "fault": 90},
        "time_offset_ms": {"warn": 500, "fault": 5000}, "patch_age_days": {"warn": 35, "fault": 90},
        "log_errors": {"warn": 1, "fault": 100}, "av_signature_age_days": {"warn": 3, "fault": 7},
        "toner_pct": {"warn": 20, "fault": 0}, "net_cpu_pct": {"warn": 70, "fault": 90},
        "net_memory_pct": {"warn": 80, "fault": 90}, "interface_errors": {"warn": 1, "fault": 1000},
        "min_uptime_hours": {"warn": 24, "fault": None},
    }  # fmt: skip
    run = inspect(
        inventory,
        tmp_path,
        "-e",
        json.dumps({"inspection_thresholds": thresholds}),
        "-e",
        "inspection_key_services_linux=ssh,cron",
    )
    assert run["rc"] != 0
    message = preflight_message(run)
    assert (
        "inspection_thresholds.disk_used_pct.warn: expected a percentage (a number from 0 to 100) or null, got '80' (str)"
        in message
    )
    assert "inspection_key_services_linux: expected a list of strings, got 'ssh,cron' (str)" in message


def test_a_mistyped_group_vars_override_names_the_hosts_that_see_it(inventory, tmp_path):
    (inventory / "group_vars" / "printers.yml").write_text(
        "inspection_service_ports:\n  printers: '9100'\n", encoding="utf-8"
    )
    run = inspect(inventory, tmp_path)
    assert run["rc"] != 0
    message = preflight_message(run)
    assert "inspection_service_ports: expected a mapping of device class to a list of TCP ports" in message
    assert "[hosts: prn-a]" in message and "pc-a" not in message
