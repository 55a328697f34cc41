"""Patching against the real lab (issue 13): the lab's apt repository, real reboots of nspawn hosts,
the court calendar, the canary ring, the maintenance windows, the results store and the audit's patch
item. Marker `lab`. One rollout (the module-scoped `rollout` fixture: --check, the real run that really
reboots two hosts, a second run, the audit) serves the tests of the main behaviour; the security-only,
canary and malformed-calendar tests run their own short playbooks and reboot nothing.

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
from courtops.patching import calendar
from courtops.store import Backup, PatchResult, RunInfo, Store, TaskResult

from .conftest import REPO_ROOT, Lab

pytestmark = pytest.mark.lab

PATCH = REPO_ROOT / "playbooks" / "patch.yml"
AUDIT = REPO_ROOT / "playbooks" / "audit.yml"
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


def snapshot(lab: Lab, hosts: list[str]) -> dict[str, dict[str, Any]]:
    """Boot id and test package versions of several hosts in one ad-hoc run (each run costs seconds)."""
    query = "dpkg-query -W -f='${Package}=${Version}\\n' " + " ".join(PKGS)
    cmd = f"cat /proc/sys/kernel/random/boot_id && {query}"
    out = lab.ansible(":".join(hosts), "ansible.builtin.shell", cmd)
    seen = {}
    for host in hosts:
        boot, *lines = out[host]["stdout_lines"]
        seen[host] = {"boot": boot, "versions": dict(line.split("=", 1) for line in lines)}
    return seen


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


def patch(
    lab: Lab, store: Path, *extra: str, playbook: Path = PATCH
) -> tuple[subprocess.CompletedProcess[str], str]:
    env = dict(lab.env)
    env.update(
        {"COURTOPS_STORE": str(store), "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.json,courtops_recorder"}
    )
    cmd = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        str(lab.inventory),
        str(playbook),
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


def cst_window_excluding_now() -> dict[str, Any]:
    """A daily maintenance window that opens six hours from now (北京时间): now is outside it."""
    opens = time.gmtime(time.time() + 8 * 3600 + 6 * 3600)
    closes = time.gmtime(time.time() + 8 * 3600 + 6 * 3600 + 30 * 60)
    return {"start": time.strftime("%H:%M", opens), "end": time.strftime("%H:%M", closes)}


#: The one rollout that really reboots (module-scoped; the tests below assert on its runs):
PATCHED = ["lab-pc-002", "lab-srv-004"]  # upgrade from the lab repository and reboot
COURTROOM = "lab-ctpc-003"  # skipped during the lab's hearing, patched once the calendar is clear
NO_BACKUP = "lab-pc-005"  # its newest configuration backup is a month old: fails the pre-check
OUTSIDE_WINDOW = "lab-srv-008"  # the management zone's window opens later today: skipped, window named
NO_RECORD = "lab-ctpc-006"  # never patched here: the audit has no patch record of it


@pytest.fixture(scope="module")
def rollout(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """--check, then the real run, then a second run with the calendar clear, then the audit — on
    one store. Each run's output, the plan, boot ids and versions are kept for the tests."""
    tmp = tmp_path_factory.mktemp("patch")
    everyone = [*PATCHED, COURTROOM, NO_BACKUP, OUTSIDE_WINDOW]
    reset(lab, *everyone)
    store = tmp / "store.sqlite3"
    seed_backups(store, *PATCHED, COURTROOM, OUTSIDE_WINDOW)
    seed_backups(store, NO_BACKUP, age_s=30 * 86400)  # a month old; the default policy asks for 7 days
    before = snapshot(lab, everyone)
    seen: dict[str, Any] = {"store": store, "boot": {"before": {h: before[h]["boot"] for h in everyone}}}
    # batches of the whole play: the two hosts reboot at once (batching is the canary test's business)
    common = ("-e", f"target={':'.join(everyone)}", "-e", "patch_serial=100%")

    # 1. --check, with a calendar whose hearing starts within the margin: the plan, nothing changed
    margin_cal = tmp / "排期.csv"
    start = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600 + 20 * 60))
    end = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600 + 80 * 60))
    # (written in CST: UTC + 8 h, whatever this machine's zone)
    margin_cal.write_text(
        f"法庭,开始时间,结束时间,案号,案由\nbx01,{start},{end},（2026）京0118民初9号,离婚纠纷\n",
        encoding="utf-8",
    )
    exported = tmp / "补丁计划.md"
    seen["check"] = patch(
        lab, store, "--check", *common, "-e", f"patch_plan_export={exported}",
        "-e", json.dumps({"patch_calendar_files": [str(margin_cal)]}),
    )  # fmt: skip
    seen["plan_md"] = exported.read_text(encoding="utf-8") if exported.exists() else ""
    seen["check_records"] = results(store)
    now = snapshot(lab, everyone)
    seen["check_versions"] = {h: now[h]["versions"] for h in everyone}
    seen["boot"]["check"] = {h: now[h]["boot"] for h in everyone}

    # 2. the real run: the lab's calendar (a hearing in progress in bx01), the management zone's window later
    seen["window"] = cst_window_excluding_now()
    windows = {"patch_maintenance_windows": {"management": [seen["window"]]}}
    seen["real"] = patch(lab, store, *common, "-e", json.dumps(windows))
    now = snapshot(lab, everyone)
    seen["real_versions"] = {h: now[h]["versions"] for h in everyone}
    seen["boot"]["real"] = {h: now[h]["boot"] for h in everyone}

    # 3. a second run, the calendar clear: the patched hosts are unchanged, the courtroom host is picked up
    second = [*PATCHED, COURTROOM]
    seen["second"] = patch(
        lab, store, "-e", f"target={':'.join(second)}", "-e", "patch_serial=100%",
        "-e", json.dumps({"patch_calendar_files": []}),
    )  # fmt: skip
    now = snapshot(lab, second)
    seen["second_versions"] = {h: now[h]["versions"] for h in second}
    seen["boot"]["second"] = {h: now[h]["boot"] for h in second}
    seen["held"] = lab.ansible(COURTROOM, "ansible.builtin.command", "apt-mark showhold")[COURTROOM][
        "stdout_lines"
    ]

    # 4. the audit of a patched host, the host that failed its pre-check and one never patched
    with Store(store, readonly=True) as s:
        seen["rows_before_audit"] = s.patch_results()
    audit_dir = tmp / "audit"
    seen["audit"] = patch(
        lab, store, "-e", f"target={PATCHED[0]}:{NO_BACKUP}:{NO_RECORD}", "-e", f"dengbao_output_dir={audit_dir}",
        playbook=AUDIT,
    )  # fmt: skip
    findings_json = audit_dir / "latest" / "findings.json"
    rows = json.loads(findings_json.read_text(encoding="utf-8")) if findings_json.exists() else []
    seen["ces1_21"] = {r["host"]: r for r in rows if r["control_id"] == "L3-CES1-21"}
    with Store(store, readonly=True) as s:
        seen["rows_after_audit"] = s.patch_results()
        audit_run = s.runs(kind="audit", limit=1)
        seen["stored_21"] = {
            f.host: f
            for f in (s.findings(audit_run[0].id, with_evidence=True) if audit_run else [])
            if f.control_id == "L3-CES1-21"
        }
    return seen


def test_check_mode_lists_the_plan_the_real_run_installs_then_a_second_run_changes_nothing(
    rollout: dict[str, Any],
):
    """The one test that really reboots lab hosts (the rollout fixture's real run)."""
    proc, out = rollout["check"]
    assert proc.returncode == 0, out[-3000:]
    planned = plans(out)
    plan_md = rollout["plan_md"]  # the plan for the change ticket
    assert "检查模式" in plan_md
    assert all(
        f"| {h} | " in plan_md and f"| {u['name']} | 1.0 | 1.1 |" in plan_md
        for h in PATCHED
        for u in planned[h]
    )
    assert {h: sorted((u["name"], u["candidate"]) for u in planned[h]) for h in PATCHED} == {
        h: [("courtops-recorder-client", "1.1"), ("courtops-secpkg", "1.1"), ("courtops-testpkg", "1.1")]
        for h in PATCHED
    }
    assert all(
        v == dict.fromkeys(PKGS, "1.0") for v in rollout["check_versions"].values()
    )  # nothing installed
    assert rollout["check_records"] == []  # check mode records nothing
    assert rollout["boot"]["check"] == rollout["boot"]["before"]

    proc, out = rollout["real"]
    assert proc.returncode == 0, out[-3000:]
    store = rollout["store"]
    for h in PATCHED:
        installed = rollout["real_versions"][h]
        assert installed == {u["name"]: u["candidate"] for u in planned[h]}  # exactly the checked plan
        row = results(store, h)[0]  # the real run's (the second run's follows)
        assert row.result == "patched" and row.rebooted and not row.reboot_required
        assert row.versions == installed and row.run_id is not None
        assert rollout["boot"]["real"][h] != rollout["boot"]["before"][h]  # the host really restarted

    proc, out = rollout["second"]
    assert proc.returncode == 0, out[-3000:]
    for h in PATCHED:
        assert [r.result for r in results(store, h)] == ["patched", "unchanged"]
        assert not results(store, h)[-1].rebooted
        assert rollout["second_versions"][h] == rollout["real_versions"][h]
        assert rollout["boot"]["second"][h] == rollout["boot"]["real"][h]


def test_a_courtroom_host_is_skipped_during_a_hearing_and_patched_when_clear(rollout: dict[str, Any]):
    host = COURTROOM
    # --check with a hearing starting within the margin: skipped, the session named
    _, out = rollout["check"]
    assert "庭审排期" in out and "京0118民初9号" in out and host not in plans(out)

    # the lab's generated calendar: a hearing in progress in courtroom_bx01
    _, out = rollout["real"]
    first = results(rollout["store"], host)[0]
    assert first.result == "skipped" and "（2026）京0118民初1234号" in first.blocked_by
    assert "庭审排期" in out and "京0118民初1234号" in out
    assert rollout["real_versions"][host] == dict.fromkeys(PKGS, "1.0")
    assert rollout["boot"]["real"][host] == rollout["boot"]["before"][host]

    # the calendar clear: the next run picks the host up; the held recording client stays
    assert [r.result for r in results(rollout["store"], host)] == ["skipped", "patched"]
    assert rollout["second_versions"][host] == {
        "courtops-testpkg": "1.1",
        "courtops-secpkg": "1.1",
        "courtops-recorder-client": "1.0",
    }
    assert rollout["held"] == ["courtops-recorder-client"]


def test_a_host_outside_its_zones_maintenance_window_is_skipped_with_the_window(rollout: dict[str, Any]):
    _, out = rollout["real"]
    [row] = results(rollout["store"], OUTSIDE_WINDOW)
    [window] = calendar.parse_windows([rollout["window"]], "management")
    shown = window.describe()  # 每天 HH:MM–HH:MM, the window the run was given
    assert shown.startswith("每天 ")
    assert row.result == "skipped" and not row.blocked_by
    assert "不在management区维护窗口内" in row.reason and f"窗口：{shown}" in row.reason
    assert "不在management区维护窗口内" in out
    assert rollout["real_versions"][OUTSIDE_WINDOW] == dict.fromkeys(PKGS, "1.0")
    assert rollout["boot"]["real"][OUTSIDE_WINDOW] == rollout["boot"]["before"][OUTSIDE_WINDOW]


def test_no_recent_backup_fails_the_pre_check(rollout: dict[str, Any]):
    proc, _ = rollout["real"]
    assert proc.returncode == 0  # a pre-check failure does not stop other hosts
    [row] = results(rollout["store"], NO_BACKUP)
    assert row.result == "failed" and "配置备份" in row.reason
    assert rollout["real_versions"][NO_BACKUP] == dict.fromkeys(PKGS, "1.0")


def test_the_audit_judges_the_patch_item_from_the_patch_records(rollout: dict[str, Any]):
    proc, out = rollout["audit"]
    assert proc.returncode == 0, out[-3000:]
    rows = rollout["ces1_21"]
    [_, unchanged] = results(rollout["store"], PATCHED[0])
    # patched, then found up to date: no security update pending, patched today, no reboot pending
    assert rows[PATCHED[0]]["verdict"] == "符合", rows[PATCHED[0]]
    assert rows[PATCHED[0]]["record"].startswith("依据补丁记录（最近一次补丁作业 ")
    assert f"作业 #{unchanged.run_id}，无需更新" in rows[PATCHED[0]]["record"]
    assert "待安装的安全更新数：0" in rows[PATCHED[0]]["record"]
    stored = rollout["stored_21"][PATCHED[0]].evidence["patch_record"]
    assert stored["latest"]["id"] == unchanged.id and stored["latest"]["result"] == "unchanged"
    # only a failed pre-check on record: never compliance
    assert rows[NO_BACKUP]["verdict"] == "待人工" and "没有成功的补丁作业" in rows[NO_BACKUP]["reason"]
    assert "配置备份" in rows[NO_BACKUP]["record"]
    # no patch record at all: as before, 待人工, and it says so
    assert rows[NO_RECORD]["verdict"] == "待人工" and "无补丁记录" in rows[NO_RECORD]["reason"]
    # the audit reads the patch records and writes none
    assert rollout["rows_after_audit"] == rollout["rows_before_audit"]


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
    # a key service that is down after patching (masked: it would survive a reboot too)
    lab.ansible(canary, "ansible.builtin.systemd_service", "name=cron state=stopped masked=true", become=True)
    # the reboot package held: the post check fails the same way, without a reboot to wait for (the
    # rollout fixture's run is the one that really reboots)
    no_reboot = json.dumps({"patch_linux_hold_packages": ["courtops-testpkg"]})
    try:
        proc, out = patch(lab, store, "-e", f"target={canary}:{other}", *BACKUPS_OFF, "-e", no_reboot)
    finally:
        lab.ansible(
            canary, "ansible.builtin.systemd_service", "name=cron state=started masked=false", become=True
        )
        reset(lab, canary)  # no hold left behind for whoever patches the canary next
    assert proc.returncode != 0
    assert "金丝雀主机未通过补丁后检查" in out and canary in out and "补丁后检查未通过" in out
    [row] = results(store, canary)
    assert row.result == "failed" and not row.rebooted
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
