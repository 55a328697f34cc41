"""Patching against the real lab (issue 13): the lab's apt repository, real reboots of nspawn hosts,
the court calendar, the canary ring and the results store. Marker `lab`; about 3 minutes on 2 cores.

Backups: the pre-check reads the store's `backups` table. Tests that patch record a backup row for
their hosts in their own store (`seed_backups`) or set the policy off explicitly
(-e patch_backup_max_age_hours=null); `test_no_recent_backup_fails_the_pre_check` runs the default.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from courtops.lab import aptrepo, state
from courtops.store import Backup, PatchResult, RunInfo, Store, TaskResult

from .conftest import REPO_ROOT, Lab

pytestmark = pytest.mark.lab

PATCH = REPO_ROOT / "playbooks" / "patch.yml"
PKGS = ("courtops-testpkg", "courtops-secpkg", "courtops-recorder-client")
BACKUPS_OFF = ("-e", "patch_backup_max_age_hours=null")


def reset(lab: Lab, *names: str) -> None:
    """Back to the lab's base: every test package at 1.0, nothing held, no reboot pending."""
    running = state.load(lab.cfg)["linux"]
    for spec in lab.linux:
        if spec.name in names:
            aptrepo.seed(lab.cfg, spec, int(running[spec.name]["leader_pid"]), force=True)


def versions(lab: Lab, host: str) -> dict[str, str]:
    out = lab.ansible(
        host, "ansible.builtin.command", "dpkg-query -W -f='${Package}=${Version}\\n' " + " ".join(PKGS)
    )
    return dict(line.split("=", 1) for line in out[host]["stdout_lines"])


def boot_id(lab: Lab, host: str) -> str:
    return str(
        lab.ansible(host, "ansible.builtin.command", "cat /proc/sys/kernel/random/boot_id")[host]["stdout"]
    )


def seed_backups(store: Path, *hosts: str, age_s: float = 3600) -> None:
    with Store(store) as s:
        run_id = s.start_run(RunInfo(uuid=str(uuid.uuid4()), kind="backup", playbook="playbooks/backup.yml"))
        now = time.time()
        s.write_batch(run_id, results=[
            TaskResult(host=h, status="ok", ended_at=now,
                       backups=[Backup(host=h, path=f"backups/{h}.tar", sha256="0" * 64, taken_at=now - age_s)])
            for h in hosts
        ])  # fmt: skip
        s.finish_run(run_id, "ok")


def patch(lab: Lab, store: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], str]:
    env = dict(lab.env)
    env.update(
        {"COURTOPS_STORE": str(store), "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.json,courtops_recorder"}
    )
    cmd = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        str(lab.inventory),
        str(PATCH),
        *extra,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False)
    try:  # the JSON callback escapes Chinese; re-dump it readable for the assertions on messages
        text = json.dumps(json.loads(proc.stdout), ensure_ascii=False)
    except ValueError:
        text = proc.stdout
    return proc, text + proc.stderr


def results(store: Path, host: str | None = None) -> list[PatchResult]:
    if not store.exists():
        return []
    with Store(store, readonly=True) as s:
        return s.patch_results(host=host)


def plans(output: str) -> dict[str, Any]:
    """The plan each host's courtops_apt_patch listed, from the JSON callback's output."""
    data = json.loads(output[: output.rindex("}") + 1]) if output.startswith("{") else {}
    found: dict[str, Any] = {}
    for play in data.get("plays", []):
        for task in play.get("tasks", []):
            for host, res in task.get("hosts", {}).items():
                if res.get("action") == "courtops_apt_patch" and "plan" in res:
                    found[host] = res["plan"]
    return found


def test_check_mode_lists_the_plan_the_real_run_installs_then_a_second_run_changes_nothing(
    lab: Lab, tmp_path
):
    hosts = ["lab-pc-002", "lab-srv-004"]
    reset(lab, *hosts)
    store = tmp_path / "store.sqlite3"
    seed_backups(store, *hosts)
    before = {h: boot_id(lab, h) for h in hosts}

    exported = tmp_path / "补丁计划.md"
    proc, out = patch(
        lab, store, "--check", "-e", f"target={':'.join(hosts)}", "-e", f"patch_plan_export={exported}"
    )
    assert proc.returncode == 0, out[-3000:]
    planned = plans(out)
    plan_md = exported.read_text(encoding="utf-8")  # the plan for the change ticket
    assert "检查模式" in plan_md
    assert all(
        f"| {h} | " in plan_md and f"| {u['name']} | 1.0 | 1.1 |" in plan_md
        for h in hosts
        for u in planned[h]
    )
    assert {h: sorted((u["name"], u["candidate"]) for u in planned[h]) for h in hosts} == {
        h: [("courtops-recorder-client", "1.1"), ("courtops-secpkg", "1.1"), ("courtops-testpkg", "1.1")]
        for h in hosts
    }
    assert all(versions(lab, h) == dict.fromkeys(PKGS, "1.0") for h in hosts)  # nothing installed
    assert results(store) == []  # check mode records nothing
    assert {h: boot_id(lab, h) for h in hosts} == before

    proc, out = patch(lab, store, "-e", f"target={':'.join(hosts)}")
    assert proc.returncode == 0, out[-3000:]
    for h in hosts:
        installed = versions(lab, h)
        assert installed == {u["name"]: u["candidate"] for u in planned[h]}  # exactly the checked plan
        [row] = results(store, h)
        assert row.result == "patched" and row.rebooted and not row.reboot_required
        assert row.versions == installed and row.run_id is not None
        assert boot_id(lab, h) != before[h]  # the host really restarted
    after = {h: boot_id(lab, h) for h in hosts}

    proc, out = patch(lab, store, "-e", f"target={':'.join(hosts)}")
    assert proc.returncode == 0, out[-3000:]
    assert [r.result for r in results(store, hosts[0])] == ["patched", "unchanged"]
    assert not results(store, hosts[0])[-1].rebooted
    assert {h: boot_id(lab, h) for h in hosts} == after


def test_a_courtroom_host_is_skipped_during_a_hearing_and_patched_when_clear(lab: Lab, tmp_path):
    host = "lab-ctpc-003"
    reset(lab, host)
    store = tmp_path / "store.sqlite3"
    # the lab's generated calendar: a hearing in progress in courtroom_bx01
    proc, out = patch(lab, store, "-e", f"target={host}", *BACKUPS_OFF)
    assert proc.returncode == 0, out[-3000:]
    [row] = results(store, host)
    assert row.result == "skipped" and "（2026）京0118民初1234号" in row.blocked_by
    assert "庭审排期" in out and "京0118民初1234号" in out
    assert versions(lab, host) == dict.fromkeys(PKGS, "1.0")

    # a hearing starting within the margin blocks too
    cal = tmp_path / "排期.csv"
    start = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600 + 20 * 60))
    end = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600 + 80 * 60))
    # (written in CST: UTC + 8 h, whatever this machine's zone)
    cal.write_text(
        f"法庭,开始时间,结束时间,案号,案由\nbx01,{start},{end},（2026）京0118民初9号,离婚纠纷\n",
        encoding="utf-8",
    )
    proc, out = patch(
        lab,
        store,
        "-e",
        f"target={host}",
        *BACKUPS_OFF,
        "-e",
        json.dumps({"patch_calendar_files": [str(cal)]}),
    )
    assert proc.returncode == 0, out[-3000:]
    assert (
        results(store, host)[-1].result == "skipped"
        and "京0118民初9号" in results(store, host)[-1].blocked_by
    )

    # the calendar clear: the next run picks the host up; the held recording client stays
    proc, out = patch(
        lab, store, "-e", f"target={host}", *BACKUPS_OFF, "-e", json.dumps({"patch_calendar_files": []})
    )
    assert proc.returncode == 0, out[-3000:]
    assert results(store, host)[-1].result == "patched"
    assert versions(lab, host) == {
        "courtops-testpkg": "1.1",
        "courtops-secpkg": "1.1",
        "courtops-recorder-client": "1.0",
    }
    held = lab.ansible(host, "ansible.builtin.command", "apt-mark showhold")[host]["stdout_lines"]
    assert held == ["courtops-recorder-client"]


def test_security_only_installs_only_the_security_update(lab: Lab, tmp_path):
    host = "lab-srv-007"
    reset(lab, host)
    store = tmp_path / "store.sqlite3"
    proc, out = patch(lab, store, "-e", f"target={host}", *BACKUPS_OFF, "-e", "patch_security_only=true")
    assert proc.returncode == 0, out[-3000:]
    assert versions(lab, host) == {
        "courtops-testpkg": "1.0",
        "courtops-secpkg": "1.1",
        "courtops-recorder-client": "1.0",
    }
    [row] = results(store, host)
    assert row.security_only and [u["name"] for u in row.updates] == ["courtops-secpkg"]
    assert row.pending == 3 and row.pending_security == 1 and not row.rebooted


def test_a_canary_failing_its_post_check_stops_the_rollout(lab: Lab, tmp_path):
    canary, other = "lab-srv-001", "lab-srv-008"  # lab-srv-001 is the lab's canary (host_vars patch_ring)
    reset(lab, canary, other)
    store = tmp_path / "store.sqlite3"
    # a key service that will not come back after patching (masked: survives the reboot)
    lab.ansible(canary, "ansible.builtin.systemd_service", "name=cron state=stopped masked=true", become=True)
    try:
        proc, out = patch(lab, store, "-e", f"target={canary}:{other}", *BACKUPS_OFF)
    finally:
        lab.ansible(
            canary, "ansible.builtin.systemd_service", "name=cron state=started masked=false", become=True
        )
    assert proc.returncode != 0
    assert "金丝雀主机未通过补丁后检查" in out and canary in out and "补丁后检查未通过" in out
    assert results(store, canary)[-1].result == "failed"
    assert results(store, other) == []  # never reached
    assert versions(lab, other) == dict.fromkeys(PKGS, "1.0")


def test_a_malformed_calendar_stops_the_run_before_any_host_naming_the_line(lab: Lab, tmp_path):
    host = "lab-pc-005"
    reset(lab, host)
    store = tmp_path / "store.sqlite3"
    cal = tmp_path / "bad.csv"
    cal.write_text(
        "法庭,开始时间,结束时间\nbx01,2026-03-02 09:30,2026-03-02 11:00\nzz9,2026-03-02 09:30,2026-03-02 11:00\n",
        encoding="utf-8",
    )
    proc, out = patch(
        lab,
        store,
        "-e",
        f"target={host}",
        *BACKUPS_OFF,
        "-e",
        json.dumps({"patch_calendar_files": [str(cal)]}),
    )
    assert proc.returncode != 0
    assert f"{cal}:3" in out and "unknown courtroom 'zz9'" in out
    assert results(store) == [] and versions(lab, host) == dict.fromkeys(PKGS, "1.0")


def test_no_recent_backup_fails_the_pre_check(lab: Lab, tmp_path):
    host = "lab-pc-005"
    reset(lab, host)
    store = tmp_path / "store.sqlite3"
    seed_backups(store, host, age_s=30 * 86400)  # a month old; the default policy asks for 7 days
    proc, out = patch(lab, store, "-e", f"target={host}")
    assert proc.returncode == 0, out[-3000:]  # a pre-check failure does not stop other hosts
    [row] = results(store, host)
    assert row.result == "failed" and "配置备份" in row.reason
    assert versions(lab, host) == dict.fromkeys(PKGS, "1.0")
