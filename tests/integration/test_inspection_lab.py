"""Routine inspection against the real lab: Linux hosts over SSH, simulated VRP / Comware / IOS
devices over network_cli, snmpsim printers / NVR / camera — judged, recorded, incidents opened and closed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from courtops.lab.plan import HostSpec
from courtops.store import Store

from .conftest import REPO_ROOT, Lab
from .test_recorder import expected_recap

pytestmark = pytest.mark.lab

INSPECT = REPO_ROOT / "playbooks" / "inspect.yml"
JUDGE_TASK = "Judge the readings on the controller"


def inspect(lab: Lab, tmp: Path, *extra: str, inventory: Path | None = None) -> dict[str, Any]:
    """Run inspect.yml with the recorder on; return {host: judge result}, the recap and the store path."""
    store = tmp / "store.sqlite3"
    env = dict(lab.env)
    env.update({
        "COURTOPS_STORE": str(store),
        "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.json,courtops_recorder",
        "ANSIBLE_TIMEOUT": "5",
    })  # fmt: skip
    cmd = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        str(inventory or lab.inventory),
        str(INSPECT),
        *extra,
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False, timeout=900
    )
    data = json.loads(proc.stdout)
    judged: dict[str, Any] = {}
    for play in data["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == JUDGE_TASK:
                judged.update(task["hosts"])
    return {
        "rc": proc.returncode,
        "judged": judged,
        "stats": data["stats"],
        "store": store,
        "stderr": proc.stderr,
    }


def states(result: dict[str, Any], check: str) -> dict[str, str]:
    return {
        m["labels"]["item"]: m["labels"]["state"] for m in result["courtops_metrics"] if m["name"] == check
    }


def snmp(lab: Lab, profile: str) -> HostSpec:
    return next(d for d in lab.snmp if d.profile == profile)


@pytest.fixture(scope="module")
def monthly(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return inspect(lab, tmp_path_factory.mktemp("monthly"), "-e", "profile=monthly")


def test_every_device_is_judged_and_nothing_changed(lab: Lab, monthly: dict[str, Any]) -> None:
    assert monthly["rc"] == 0, monthly["stderr"][-2000:]
    every = {h.name for h in lab.linux + lab.network + lab.spares + lab.snmp + lab.systems}
    assert set(monthly["judged"]) == every
    assert all(s["changed"] == 0 for s in monthly["stats"].values())  # read-only
    for host in lab.linux:
        result = monthly["judged"][host.name]
        assert states(result, "reachability") == {"": "正常"}
        assert states(result, "key_services") == {"ssh": "正常", "cron": "正常", "rsyslog": "正常"}
        assert states(result, "memory")[""] in ("正常", "告警")
        assert "/" in states(result, "disk")


def test_printers_nvr_and_camera(lab: Lab, monthly: dict[str, Any]) -> None:
    low = monthly["judged"][snmp(lab, "printer_low_toner").name]
    supplies = states(low, "printer_supplies")
    assert supplies == {
        "Black Cartridge HP 58A CF258A": "告警",
        "Imaging Drum HP 32A CF232A": "正常",
    }  # order toner
    assert states(low, "printer_status") == {"": "告警"}
    jam = monthly["judged"][snmp(lab, "printer_paper_jam").name]
    assert states(jam, "printer_status") == {"": "故障"}
    assert jam["inspection_state"] == "故障"
    nvr = monthly["judged"][snmp(lab, "nvr_failed_disk").name]
    disks = states(nvr, "nvr_disks")
    assert len(disks) == 4 and [d for d, s in disks.items() if s == "故障"] == [
        "HDD3 ST4000VX016 4TB (abnormal)"
    ]
    camera = monthly["judged"][snmp(lab, "camera").name]
    assert states(camera, "service_ports") == {"tcp/554": "正常", "tcp/80": "正常"}
    assert states(camera, "reachability") == {"": "正常"}


def test_network_devices_cpu_memory_ntp(lab: Lab, monthly: dict[str, Any]) -> None:
    for dev in lab.network:
        result = monthly["judged"][dev.name]
        assert states(result, "net_cpu")[""] == "正常", result
        assert states(result, "net_memory")[""] == "正常"
        assert states(result, "net_uptime")[""] in ("正常", "告警")
        assert "汇总" in states(result, "net_interfaces")
        compliant = dev.vars.get("lab_compliant", dev.profile.endswith("_compliant"))
        assert states(result, "net_ntp") == {"": "正常" if compliant else "告警"}, dev.name


def test_faults_open_incidents_and_the_record_is_stored(lab: Lab, monthly: dict[str, Any]) -> None:
    with Store(monthly["store"], create=False) as store:
        run = store.get_run("latest", kind="inspect")
        assert run.status == "ok"
        recorded = {m.host for m in store.metrics(run.id)}
        assert recorded == set(monthly["judged"])
        open_ = {(i.device, i.check_name) for i in store.incidents(open_only=True)}
    assert (snmp(lab, "printer_paper_jam").name, "printer_status") in open_
    assert (snmp(lab, "nvr_failed_disk").name, "nvr_disks:HDD3 ST4000VX016 4TB (abnormal)") in open_
    assert not any(d == snmp(lab, "printer_low_toner").name for d, _ in open_)  # 告警 is no incident


def test_incidents_belong_to_the_run_the_recorder_announced(monthly: dict[str, Any]) -> None:
    """The incidents action attaches what it opens to the inspection run being recorded (run kinds)."""
    with Store(monthly["store"], create=False) as store:
        run = store.get_run("latest", kind="inspect")
        opened = store.incidents(open_only=True)
    assert run.kind == "inspect" and opened
    assert {i.opened_run_id for i in opened} == {run.id}


def test_stopped_service_and_removed_host_are_faults_then_incident_closes(lab: Lab, tmp_path: Path) -> None:
    host = lab.linux[0]
    inventory = yaml.safe_load(lab.inventory.read_text())
    gone = dict(inventory["all"]["children"]["linux_deb"]["hosts"].get(host.name) or {})
    base = host.address.rsplit(".", 1)[0]
    # a PC that was unplugged: its address answers nothing (inside the lab subnet, no machine behind it)
    inventory["all"]["children"]["pcs"]["hosts"]["lab-pc-removed"] = {**gone, "ansible_host": f"{base}.250"}
    inventory["all"]["children"]["linux_deb"]["hosts"]["lab-pc-removed"] = None
    inventory["all"]["children"]["intranet"]["hosts"]["lab-pc-removed"] = None
    inv = tmp_path / "hosts.yml"
    inv.write_text(yaml.safe_dump(inventory, allow_unicode=True))

    stopped = lab.ansible(host.name, "ansible.builtin.service", "name=cron state=stopped", become=True)
    assert stopped[host.name]["changed"] is True
    try:
        first = inspect(lab, tmp_path, "-e", f"target={host.name},lab-pc-removed", inventory=inv)
        assert first["rc"] == 0, first["stderr"][-2000:]
        assert states(first["judged"][host.name], "key_services")["cron"] == "故障"
        assert states(first["judged"]["lab-pc-removed"], "reachability") == {"": "故障"}
    finally:
        lab.ansible(host.name, "ansible.builtin.service", "name=cron state=started", become=True)
    second = inspect(lab, tmp_path, "-e", f"target={host.name}", inventory=inv)
    assert states(second["judged"][host.name], "key_services")["cron"] == "正常"
    with Store(first["store"], create=False) as store:
        cron = [i for i in store.incidents() if i.device == host.name and i.check_name == "key_services:cron"]
        removed = [i for i in store.incidents(open_only=True) if i.device == "lab-pc-removed"]
    assert len(cron) == 1 and cron[0].closed_at is not None and cron[0].closed_at > cron[0].opened_at
    assert [i.check_name for i in removed] == ["reachability"]


def test_profiles_select_exactly_the_planned_checks(
    lab: Lab, monthly: dict[str, Any], tmp_path: Path
) -> None:
    host = lab.linux[1]
    quarterly = inspect(lab, tmp_path, "-e", "profile=quarterly", "-e", f"target={host.name}")
    month_checks = monthly["judged"][host.name]["checks"]
    quarter_checks = quarterly["judged"][host.name]["checks"]
    plan = yaml.safe_load((REPO_ROOT / "playbooks/group_vars/all/inspection.yml").read_text())[
        "inspection_plan"
    ]
    cls = host.klass
    assert month_checks == plan[cls]["monthly"]
    assert quarter_checks == plan[cls]["monthly"] + [
        c for c in plan[cls]["quarterly"] if c not in plan[cls]["monthly"]
    ]
    assert {m["name"] for m in quarterly["judged"][host.name]["courtops_metrics"]} == set(quarter_checks)


def test_the_recorder_kept_every_result_of_the_lab_run(monthly: dict[str, Any]) -> None:
    """The store alone gives back Ansible's own recap for every host of a real lab run."""
    with Store(monthly["store"], create=False) as store:
        run = store.get_run("latest", kind="inspect")
        assert run.store_errors == 0
        recorded = expected_recap(monthly["store"], run.id)
    ansible = {
        host: (
            s["ok"],
            s["changed"],
            s["unreachable"],
            s["failures"],
            s["skipped"],
            s["rescued"],
            s["ignored"],
        )
        for host, s in monthly["stats"].items()
    }
    assert recorded == ansible
