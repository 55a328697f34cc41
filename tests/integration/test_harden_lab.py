"""playbooks/harden.yml against the lab (lab id from COURTOPS_LAB_ID): preview, harden, audit, never harm.

The check, real and second runs are the session's ONE combined hardening of Linux hosts and network
devices together (``harden_combined``, tests/integration/harden_combined.py: one host of each Linux
profile that has deviations — drifted, baseline, rpm_layout — and the three non-compliant devices),
whose results test_harden_network_lab.py reads too. This module adds its own two runs, on one baseline
host for a single-tag run and one drifted host for a deliberately broken PAM line, and the rollback,
which gives every Linux host back as seeded (the rollback is tested too) for the other lab tests:

1. ``--check --diff`` (preview, combined): nothing under /etc changes; changes.json lists the changes;
2. the real run (combined): the same (host, control, task, object) rows; the audit after moves the
   seeded 不符合/部分符合 items to 符合 except the documented limits; the approved exception is skipped
   and shown as 已批准例外; an expired one is ignored; a fresh ping, sudo and a password login work;
3. the same run again (combined): changed=0;
4. one run ``--tags L3-CES1-02`` on two more hosts: on one only that control's tasks change anything;
   the other gets a broken PAM account line that refuses every new session and sudo — the host
   reverts itself (the on-host revert armed before the change, a short ``harden_linux_revert_after_s``
   here), the play waits for a fresh login to work again and fails the host, its files as before;
5. ``--tags rollback``: every file under /etc is back as before the runs.

The audits run once (before and after in run 2) and their exports are read by several tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import Lab
from .harden_combined import CLERK, Combined, etc, linux_hosts, play, rollback_linux

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
#: the broken host's on-host revert fires this many seconds after its backup (the default is 900)
REVERT_AFTER_S = 45
#: items harden_linux does not remediate, or the lab cannot show (docs/hardening.md, role README)
NOT_REMEDIATED = {
    "L3-CES1-11": "Debian 无 SELinux",
    "L3-CES1-13": "chrony 已安装、配置并启用，但容器不能校时（无 CAP_SYS_TIME），服务不运行",
    "L3-CES1-21": "补丁由补丁作业处理；实验镜像无软件源索引",
    "L3-CES1-22": "HIDS 需法院采购的产品",
    "L3-CES1-23": "防病毒需法院采购的产品",
    "L3-CES1-12": "容器内 auditd 无法运行",
    "L3-CES1-15": "容器内无内核审计",
}


def run(
    lab: Lab, out: Path, target: str, *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = play(lab, out, [lab.inventory], target, *extra)
    return done.proc, done.stats


def rows(out: Path) -> set[tuple[str, str, str, str]]:
    data = json.loads((out / "latest" / "changes.json").read_text(encoding="utf-8"))
    return {(c["host"], c["control_id"], c["task"], c["item"]) for c in data["changes"]}


#: what the broken-PAM case may change (its run applies L3-CES1-02 only)
PAM_DIRS = ("etc/pam.d", "etc/security")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative path → content; a symlink → its target)."""
    return {
        str(p.relative_to(root)): (str(p.readlink()).encode() if p.is_symlink() else p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


def host_root(lab: Lab, host: str) -> Path:
    """The container's root directory on the controller (courtops/lab/hosts.py)."""
    return lab.cfg.hosts_dir / host / "root"


@pytest.fixture(scope="module")
def harden(lab: Lab, harden_combined: Combined, tmp_path_factory: pytest.TempPathFactory) -> Any:
    c = harden_combined
    main = c.linux
    tagged, broken = linux_hosts(lab, "baseline")[1], linux_hosts(lab, "drifted")[1]
    everyone = [*main, tagged, broken]
    state: dict[str, Any] = {
        "main": main,
        "tagged": tagged,
        "broken": broken,
        "devices": list(c.devices.values()),
    }
    state["seeded"] = c.seeded_etc | etc(lab, [tagged, broken])
    state["check"] = (c.runs["check"].proc, c.runs["check"].stats)
    state["after_check"] = c.etc_after_check
    state["preview"] = c.runs["check"].changes()
    real = c.runs["real"]
    state["real"] = (real.proc, real.stats)
    state["applied"] = real.changes()
    state["outcome"] = json.loads((real.out / "latest" / "outcome.json").read_text(encoding="utf-8"))
    state["after_audit"] = c.audit("audit-after")
    state["again"] = (c.runs["again"].proc, c.runs["again"].stats)
    state["fresh"] = c.fresh_linux
    state["user_login"] = c.user_login
    try:
        # the PAM files are also saved from the controller side (the container's root is a directory here):
        # should the on-host revert ever fail, the other lab tests still get this host as seeded
        saved = tmp_path_factory.mktemp("broken-pam")
        for sub in PAM_DIRS:
            shutil.copytree(host_root(lab, broken) / sub, saved / sub, symlinks=True)
        state["broken_saved"] = saved
        # one run for the single-tag case and the broken PAM line: the broken line goes to one host only
        # (extra vars are templated per host), and the tagged host finishes although the other fails
        bad_line = "account required pam_courtops_missing.so"

        def only_broken(value: object, default: object) -> str:
            return f"{{{{ {value!r} if inventory_hostname == {broken!r} else {default!r} }}}}"

        line = only_broken(bad_line, "account required pam_faillock.so")
        out = tmp_path_factory.mktemp("tag")
        state["tag"] = run(lab, out, f"{tagged}:{broken}", "--tags", "L3-CES1-02", "--skip-tags", "harden_audit",
                           "-e", f"change_id={c.change_id}", "-e", "harden_max_fail_percentage=100",
                           "-e", json.dumps({"harden_linux_faillock_account_line": line,
                                             "harden_linux_revert_after_s": only_broken(REVERT_AFTER_S, 900)}))  # fmt: skip
        state["tag_rows"] = rows(out)
    finally:
        # every host back to its seeded state (the other lab tests expect it), tested below; the broken
        # host was restored by itself (tested), this run finds nothing left to restore there
        done = rollback_linux(lab, tmp_path_factory.mktemp("rollback"), everyone, c.change_id)
        c.rolled_back = done.proc.returncode == 0
        state["rollback"] = (done.proc, done.stats)
        state["restored"] = etc(lab, everyone)
        if "broken_saved" in state:
            state["broken_pam_now"] = {sub: tree(host_root(lab, broken) / sub) for sub in PAM_DIRS}
            for sub in PAM_DIRS:
                shutil.rmtree(host_root(lab, broken) / sub)
                shutil.copytree(state["broken_saved"] / sub, host_root(lab, broken) / sub, symlinks=True)
    return state


def test_preview_changes_nothing_and_lists_what_the_real_run_changes(harden: Any) -> None:
    proc, _ = harden["check"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert harden["after_check"] == {h: harden["seeded"][h] for h in harden["main"]}
    assert harden["preview"], "the preview lists no change on non-compliant hosts"
    linux = set(harden["main"])  # the devices' preview: test_harden_network_lab.py (per control task)
    assert {r for r in harden["preview"] if r[0] in linux} == {r for r in harden["applied"] if r[0] in linux}


def test_real_run_brings_the_seeded_items_to_compliance(harden: Any) -> None:
    proc, _ = harden["real"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    by_host = {h["host"]: h for h in harden["outcome"]}
    assert set(by_host) == {*harden["main"], *harden["devices"]}  # the devices: test_harden_network_lab.py
    for host, h in by_host.items():
        if host not in harden["main"]:
            continue
        assert h["fixed"], host
        left = {m["control_id"] for m in h["not_fixed"] + h["worse"]}
        assert left <= set(NOT_REMEDIATED), (
            f"{host}: still not compliant {sorted(left - set(NOT_REMEDIATED))}"
        )
        assert h["score_after"] > h["score_before"], host
        # AIDE from the lab's package source (courtops/lab/debpkgs.py), its database initialised
        assert "L3-CES1-26" in {m["control_id"] for m in h["fixed"]}, host
    drifted = by_host[harden["main"][0]]
    assert {"L3-CES1-01", "L3-CES1-02", "L3-CES1-03", "L3-CES1-06", "L3-CES1-09", "L3-CES1-18"} <= {
        m["control_id"] for m in drifted["fixed"]
    }


def test_an_approved_exception_is_skipped_and_shown_an_expired_one_ignored(harden: Any) -> None:
    assert not [r for r in harden["applied"] if r[1] == "L3-CES1-33"]
    assert [r for r in harden["applied"] if r[1] == "L3-CES1-02"]  # the expired exception does not skip
    shown = [
        r for r in harden["after_audit"] if r["control_id"] == "L3-CES1-33" and r["host"] in harden["main"]
    ]
    assert len(shown) == len(harden["main"])
    for row in shown:
        assert row["verdict"] == "已批准例外" and "实验：保留命令历史以便取证" in row["record"], row
    for h in harden["outcome"]:
        if h["host"] in harden["main"]:  # the VRP device's own exception: test_harden_network_lab.py
            assert [m["control_id"] for m in h["excepted"]] == ["L3-CES1-33"]


def test_second_run_changes_nothing(harden: Any) -> None:
    proc, stats = harden["again"]
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert {h: s["changed"] for h, s in stats.items() if s["changed"]} == {}


def test_management_and_user_access_hold_after_hardening(harden: Any) -> None:
    proc = harden["fresh"]  # `ansible -m command --become` with a fresh connection (ControlPath=none)
    assert proc.returncode == 0, proc.stdout[-2000:]
    for host in harden["main"]:
        assert harden["user_login"][host] == CLERK, host  # a password login of a normal user (paramiko)


def test_one_tag_applies_one_control_only(harden: Any) -> None:
    proc, stats = harden["tag"]
    tagged = harden["tagged"]
    assert stats[tagged]["failures"] == 0 and stats[tagged]["unreachable"] == 0, proc.stdout[-3000:]
    mine = {r for r in harden["tag_rows"] if r[0] == tagged}
    assert mine and {r[1] for r in mine} == {"L3-CES1-02"}


def _task_results(proc: subprocess.CompletedProcess[str], host: str, name_part: str) -> list[dict[str, Any]]:
    data = json.loads(proc.stdout)
    return [
        task["hosts"][host]
        for play in data["plays"]
        for task in play["tasks"]
        if name_part in task["task"]["name"] and host in task["hosts"]
    ]


def test_a_broken_pam_line_is_rolled_back_and_the_host_stays_reachable(lab: Lab, harden: Any) -> None:
    proc, stats = harden["tag"]
    host = harden["broken"]
    assert proc.returncode != 0 and stats[host]["failures"] == 1 and stats[host]["rescued"] == 1
    # the broken line refused sudo over the open connection (the control's next task failed) and every fresh
    # login; nobody could restore the host but itself: its armed revert fired, and the play says so
    failed = _task_results(proc, host, "Fail the host after the rollback")
    assert failed and "已按计划自行回滚" in failed[0]["msg"] and "L3-CES1-02 |" in failed[0]["msg"], failed
    disarm = _task_results(proc, host, "Disarm the on-host revert")
    assert disarm and disarm[0]["stdout"].startswith("REVERTED"), disarm
    # the play waited for a fresh login to work again — unless the revert had already fired by then
    probe = _task_results(proc, host, "Check whether the open connection still runs sudo")
    waited = _task_results(proc, host, "Wait until a fresh SSH session logs in again")
    assert probe and waited, (probe, waited)
    if probe[0].get("rc") != 0:
        assert waited[0].get("attempts", 1) > 1 and "courtops-fresh-login-ok" in waited[0]["stdout"], waited
    assert harden["restored"][host] == harden["seeded"][host]
    assert harden["broken_pam_now"] == {sub: tree(harden["broken_saved"] / sub) for sub in PAM_DIRS}
    assert lab.ansible(host, "ansible.builtin.ping")[host].get("ping") == "pong"


def test_rollback_restores_every_file(harden: Any) -> None:
    proc, _ = harden["rollback"]
    assert proc.returncode == 0, proc.stdout[-3000:]
    for host in harden["restored"]:
        assert harden["restored"][host] == harden["seeded"][host], host
    assert set(harden["restored"]) == {*harden["main"], harden["tagged"], harden["broken"]}


def test_the_broken_pam_host_is_given_back_for_the_other_lab_tests(lab: Lab, harden: Any) -> None:
    host = harden["broken"]
    for sub in PAM_DIRS:
        assert tree(host_root(lab, host) / sub) == tree(harden["broken_saved"] / sub), sub
    assert lab.ansible(host, "ansible.builtin.ping", "")[host].get("ping") == "pong"
