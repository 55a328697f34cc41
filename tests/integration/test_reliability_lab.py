"""On the lab: a hung command, odd mounts, and --check (issues 16.4, 16.10, 9.6).

One Linux host gets a `timedatectl` and a `chronyc` that never return, a filesystem mounted at a path
with a space, and a mount hidden under a later one (statvfs fails). The inspection must finish, judge
that host's other readings and the other hosts, and say 超时 / 未检 where it could not read.
Then --check runs of inspect.yml and audit.yml must leave the incidents and the export folder as they were.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from courtops.store import Store

from .conftest import REPO_ROOT, Lab
from .test_inspection_lab import inspect

pytestmark = pytest.mark.lab

HANG = "#!/bin/sh\\n# courtops test: a command that never returns\\nexec sleep 100000\\n"
SET_UP = f"""
set -e
mkdir -p /var/tmp/courtops-l1 /var/tmp/courtops-l2 '/srv/data disk' /mnt/courtops-shadow/inner
echo data > /var/tmp/courtops-l1/file
mount -t overlay overlay -o lowerdir=/var/tmp/courtops-l1:/var/tmp/courtops-l2 '/srv/data disk'
mount -t overlay overlay -o lowerdir=/var/tmp/courtops-l1:/var/tmp/courtops-l2 /mnt/courtops-shadow/inner
mount -t tmpfs tmpfs /mnt/courtops-shadow
for tool in timedatectl chronyc; do printf '{HANG}' > /usr/local/sbin/$tool; chmod 755 /usr/local/sbin/$tool; done
"""
TEAR_DOWN = """
rm -f /usr/local/sbin/timedatectl /usr/local/sbin/chronyc
umount /mnt/courtops-shadow 2>/dev/null; umount /mnt/courtops-shadow/inner 2>/dev/null
umount '/srv/data disk' 2>/dev/null; rmdir '/srv/data disk' 2>/dev/null
pkill -f 'sleep 100000'; true
"""


def metrics(result: dict[str, Any], check: str) -> dict[str, dict[str, Any]]:
    return {m["labels"]["item"]: m for m in result["courtops_metrics"] if m["name"] == check}


def shell(lab: Lab, host: str, script: str) -> dict[str, Any]:
    return lab.ansible(host, "ansible.builtin.shell", script, become=True)[host]


def test_a_hung_command_and_odd_mounts_give_timeouts_and_unchecked_readings(lab: Lab, tmp_path: Path) -> None:
    victim, other = lab.linux[0].name, lab.linux[1].name
    setup = shell(lab, victim, SET_UP)
    assert setup.get("rc") == 0, setup
    try:
        started = time.monotonic()
        run = inspect(lab, tmp_path, "-l", f"{victim}:{other}:localhost", "-e", "courtops_command_timeout=3")
        wall = time.monotonic() - started
        left = shell(lab, victim, "pgrep -f 'sleep 10000[0]' || echo none")  # [0]: not this shell itself
    finally:
        shell(lab, victim, TEAR_DOWN)
    assert run["rc"] == 0, run["stderr"][-2000:]
    assert wall < 240, wall  # two hung commands cost 2 x 3 s, not forever
    assert left["stdout"].strip() == "none"  # the hung commands were killed, not left behind

    judged = run["judged"][victim]
    [sync] = metrics(judged, "time_sync").values()
    assert sync["labels"]["state"] == "未检" and "超时" in sync["labels"]["remark"], sync
    disks = metrics(judged, "disk")
    assert disks["/srv/data disk"]["labels"]["state"] in ("正常", "告警", "故障")
    assert isinstance(disks["/srv/data disk"]["value"], float)
    shadowed = disks["/mnt/courtops-shadow/inner"]["labels"]
    assert shadowed["state"] == "未检" and "无法读取" in shadowed["remark"], shadowed
    # the host's other readings and the other host go on
    assert {m["labels"]["state"] for m in metrics(judged, "key_services").values()} <= {"正常", "故障"}
    assert "/" in disks and disks["/"]["labels"]["state"] != "未检"
    other_sync = next(iter(metrics(run["judged"][other], "time_sync").values()))["labels"]
    assert "超时" not in other_sync["remark"]


def test_check_mode_writes_no_incident_and_no_export(lab: Lab, tmp_path: Path) -> None:
    # a real inspection of the lab's SNMP devices (their seeded faults — paper jam, failed NVR disk —
    # open incidents) and one Linux host: enough to prove --check, at a fraction of a whole-lab run
    limit = ("-l", ":".join([lab.linux[0].name, *(s.name for s in lab.snmp), "localhost"]))
    first = inspect(lab, tmp_path, *limit)
    assert first["rc"] == 0, first["stderr"][-2000:]
    with Store(first["store"], create=False) as store:
        before = [vars(i) for i in store.incidents()]
        assert any(i["closed_at"] is None for i in before)
        # a later state the check run would change: close every incident by hand
        for incident in store.incidents(open_only=True):
            store.update_incident(incident.id, closed_at=time.time())  # steps are one-way and in order
        before = [vars(i) for i in store.incidents()]
        runs_before = [vars(r) for r in store.runs(limit=100)]
    checked = inspect(lab, tmp_path, "--check", *limit)
    assert checked["rc"] == 0, checked["stderr"][-2000:]
    with Store(first["store"], create=False) as store:
        assert [vars(i) for i in store.incidents()] == before
        # --check writes nothing anywhere: not even a run record in the store
        assert [vars(r) for r in store.runs(limit=100)] == runs_before

    out = tmp_path / "audit-out"
    target = f"target={lab.linux[0].name}:{lab.network[0].name}"
    real = lab.playbook(
        REPO_ROOT / "playbooks" / "audit.yml", "-e", target, "-e", f"dengbao_output_dir={out}"
    )
    assert real.returncode == 0, real.stdout[-2000:]
    listing = sorted(str(p.relative_to(out)) for p in out.rglob("*")), (out / "latest").readlink()
    dry = lab.playbook(
        REPO_ROOT / "playbooks" / "audit.yml", "--check", "-e", target, "-e", f"dengbao_output_dir={out}"
    )
    assert dry.returncode == 0, dry.stdout[-2000:]
    assert "检查模式（未写入）" in json.dumps(json.loads(dry.stdout), ensure_ascii=False)
    assert (sorted(str(p.relative_to(out)) for p in out.rglob("*")), (out / "latest").readlink()) == listing


SUDO_HANGS = """
set -e
printf '#!/bin/sh\\n[ -e /tmp/courtops-hang-sudo ] && exec sleep 100000\\nexec /usr/bin/sudo "$@"\\n' > /usr/local/bin/sudo
chmod 755 /usr/local/bin/sudo
"""


def test_a_sudo_that_never_answers_is_a_become_timeout_not_unreachable(lab: Lab, tmp_path: Path) -> None:
    host = lab.linux[2].name
    assert shell(lab, host, SUDO_HANGS).get("rc") == 0
    marker = lab.ansible(host, "ansible.builtin.shell", "touch /tmp/courtops-hang-sudo")[
        host
    ]  # as the login user
    assert marker.get("rc") == 0, marker
    try:
        run = inspect(lab, tmp_path, "-l", f"{host}:localhost")
    finally:
        lab.ansible(
            host, "ansible.builtin.shell", "rm -f /tmp/courtops-hang-sudo; pkill -f 'sleep 10000[0]'; true"
        )
        shell(lab, host, "rm -f /usr/local/bin/sudo")
    judged = run["judged"][host]
    [reach] = metrics(judged, "reachability").values()
    assert (reach["labels"]["state"], reach["text"]) == ("告警", "可达，提权超时"), reach
    assert "privilege escalation" in reach["labels"]["remark"]
    disks = metrics(judged, "disk")
    assert disks and all(
        m["labels"]["state"] == "未检" and "提权超时" in m["labels"]["remark"] for m in disks.values()
    )
