"""ONE hardening of Linux hosts and network devices together, shared by both harden lab test modules.

`playbooks/harden.yml` is meant to harden a whole estate in one invocation (issue 12's Done-when); the
session fixture ``harden_combined`` runs it that way on the lab's non-compliant Linux hosts (one each of
the drifted, baseline and rpm_layout profiles) and its three non-compliant VRP / Comware / IOS devices:

1. ``--check --diff`` (preview): nothing changes, changes.json lists what would;
2. the real run with its own audits before and after (the audits every test reads);
3. the same run again without the audits: changed=0 on every host;
4. fresh management logins: ``ansible --become`` on the Linux hosts and a version read on the devices
   (new connections, no persisted session), a password login of a normal user (paramiko).

The devices are reset to their seeded configuration before and right after (``courtops lab device
--reset``: no playbook run). The Linux hosts stay hardened for test_harden_lab.py, whose rollback run
(its own test) gives them back; if no test did (``rolled_back`` unset), the session's end rolls them back.
Each module keeps its special runs (Linux: one tag, a broken PAM line, the rollback; network: a refused
command per vendor) in its own fixture. Every exception is a host variable of an inventory overlay, so
the Linux hosts' (L3-CES1-33 approved, L3-CES1-02 expired) and the VRP device's (L3-CES1-13 approved)
do not override each other as one ``-e dengbao_exceptions`` would.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paramiko
import pytest
import yaml

from .conftest import BIN, REPO_ROOT, Lab

PLAYBOOK = REPO_ROOT / "playbooks" / "harden.yml"
#: a change id of this session's own: Linux backups are kept per change id (the first backup wins)
CHANGE = f"CHG-LABTEST-{uuid.uuid4().hex[:8]}"
CLERK, CLERK_PW = "clerk01", "Court#2026-clerk"
LINUX_PROFILES = ("drifted", "baseline", "rpm_layout")
PLATFORMS = ("vrp", "comware", "ios")
LINUX_EXCEPTIONS = [
    {
        "control_id": "L3-CES1-33",
        "reason": "实验：保留命令历史以便取证",
        "approver": "信息技术科",
        "expires": "2099-12-31",
    },
    {"control_id": "L3-CES1-02", "reason": "已过期的例外", "approver": "信息技术科", "expires": "2020-01-01"},
]
VRP_EXCEPTIONS = [
    {
        "control_id": "L3-CES1-13",
        "reason": "实验：NTP 由上级单位统一下发",
        "approver": "信息技术科（实验）",
        "expires": "2099-12-31",
    }
]
#: a fresh login reads the version (ad hoc, one process for the three devices)
VERSION_CMD = "command={{ 'show version' if ansible_network_os is search('ios') else 'display version' }}"


@dataclass
class Run:
    """One ansible-playbook run: its process, the JSON callback's data, its output directory."""

    proc: subprocess.CompletedProcess[str]
    data: dict[str, Any]
    out: Path
    seconds: float

    @property
    def stats(self) -> dict[str, dict[str, int]]:
        return dict(self.data.get("stats", {}))

    @property
    def text(self) -> str:
        """The JSON callback's data (non-ASCII unescaped) and stderr: what a failing test shows."""
        return json.dumps(self.data, ensure_ascii=False, indent=1) + self.proc.stderr

    def changes(self) -> set[tuple[str, str, str, str]]:
        """(host, control id, task, object) of every change (preview: would change) in changes.json."""
        data = json.loads((self.out / "latest" / "changes.json").read_text(encoding="utf-8"))
        return {(c["host"], c["control_id"], c["task"], c["item"]) for c in data["changes"]}


@dataclass
class Combined:
    linux: list[str]  # the drifted, baseline and rpm_layout hosts, in that order
    devices: dict[str, str]  # platform → device
    overlay: Path  # the inventory overlay with the exceptions
    change_id: str = CHANGE
    seeded_etc: dict[str, str] = field(default_factory=dict)
    seeded_config: dict[str, str] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)
    etc_after_check: dict[str, str] = field(default_factory=dict)
    config_after_check: dict[str, str] = field(default_factory=dict)
    hardened_config: dict[str, str] = field(default_factory=dict)
    fresh_linux: subprocess.CompletedProcess[str] | None = None
    user_login: dict[str, str] = field(default_factory=dict)  # host → `id -un` over a password login
    device_login: dict[str, Any] = field(default_factory=dict)
    rolled_back: bool = False  # test_harden_lab.py's rollback run gave the Linux hosts back

    @property
    def hosts(self) -> list[str]:
        return [*self.linux, *self.devices.values()]

    def audit(self, which: str) -> list[dict[str, Any]]:
        """The findings of the real run's audit before or after (``audit-before`` / ``audit-after``)."""
        path = self.runs["real"].out / which / "latest" / "findings.json"
        return list(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else []


def play(lab: Lab, out: Path, inventories: list[Path], target: str, *extra: str) -> Run:
    """harden.yml with the JSON stdout (stats, tasks), the callback that writes the preview / outcome and
    the recorder (the run in the session's results store: the reports are rendered from it)."""
    callbacks = "ansible.posix.json,courtops_change_preview,courtops_recorder"
    env = dict(lab.env, ANSIBLE_CALLBACKS_ENABLED=callbacks)
    cmd = [str(BIN / "ansible-playbook"), *(a for i in inventories for a in ("-i", str(i))), str(PLAYBOOK)]
    cmd += ["-e", f"target={target}", "-e", f"harden_output_dir={out}", "-e", "harden_serial=100%", *extra]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False)
    seconds = time.monotonic() - started
    print(f"harden run {out.name}: {seconds:.0f} s")  # shown with -s / -rP: where the CI time goes
    (out / "ansible-playbook.json").write_text(proc.stdout, encoding="utf-8")  # kept for a failing test
    try:
        data = json.loads(proc.stdout)
    except ValueError as exc:
        raise AssertionError(
            f"no JSON from ansible-playbook ({exc}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        ) from exc
    assert data.get("stats"), proc.stdout[-2000:]
    return Run(proc, data, out, seconds)


def linux_hosts(lab: Lab, profile: str) -> list[str]:
    return [h.name for h in lab.linux if h.profile == profile]


def device(lab: Lab, platform: str) -> str:
    return next(s.name for s in lab.network if s.platform == platform and not s.vars.get("lab_compliant"))


def running(lab: Lab, host: str) -> str:
    return (lab.cfg.state_dir / "devices" / "state" / host / "running.cfg").read_text(encoding="utf-8")


def reset(lab: Lab, host: str) -> None:
    cmd = [str(BIN / "courtops"), "lab", "device", host, "--reset", "--misbehave", "none"]
    subprocess.run(cmd, check=True, capture_output=True, env=lab.env, cwd=REPO_ROOT)


def etc(lab: Lab, hosts: list[str]) -> dict[str, str]:
    """Per host: the checksum of every file under /etc, the modes under /usr/local/bin, two unit states."""
    args = json.dumps(
        {"cmd": "find /etc -xdev -type f -print0 | sort -z | xargs -0 sha256sum; stat -c '%a %n' /usr/local/bin/*;"
         " systemctl is-enabled auditd court-telnetd.socket 2>/dev/null; true", "executable": "/bin/bash"}
    )  # fmt: skip
    result = lab.ansible(":".join(hosts), "ansible.builtin.shell", args, become=True)
    return {h: r.get("stdout", "") for h, r in result.items()}


def address(lab: Lab, host: str) -> str:
    return next(h.address for h in lab.linux if h.name == host)


def password_login(lab: Lab, host: str) -> str:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # lab host: fresh host keys per lab
    try:
        client.connect(
            address(lab, host), username=CLERK, password=CLERK_PW, look_for_keys=False, allow_agent=False, timeout=20
        )  # fmt: skip
        _, stdout, _ = client.exec_command("id -un")
        return str(stdout.read().decode().strip())
    except (paramiko.SSHException, OSError) as exc:
        return f"login failed: {exc!r}"
    finally:
        client.close()


def linux_vars(lab: Lab) -> list[str]:
    """What the Linux role needs from the court: the log host, the management network."""
    return [
        "-e", f"harden_linux_loghost={lab.cfg.gateway}",
        "-e", json.dumps({"harden_linux_ssh_allowed_sources": [str(lab.cfg.subnet)]}),
    ]  # fmt: skip


def rollback_linux(lab: Lab, out: Path, hosts: list[str], change_id: str = CHANGE) -> Run:
    """``--tags rollback``: every file the change backed up comes back (the role's own rollback)."""
    return play(lab, out, [lab.inventory], ":".join(hosts), "--tags", "rollback", "--skip-tags", "harden_audit",
                "-e", f"change_id={change_id}")  # fmt: skip


@pytest.fixture(scope="session")
def harden_combined(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Combined]:
    tmp = tmp_path_factory.mktemp("harden-combined")
    linux = [linux_hosts(lab, p)[0] for p in LINUX_PROFILES]
    devices = {p: device(lab, p) for p in PLATFORMS}
    overlay = tmp / "exceptions.yml"
    exceptions = {h: {"dengbao_exceptions": LINUX_EXCEPTIONS} for h in linux}
    exceptions[devices["vrp"]] = {"dengbao_exceptions": VRP_EXCEPTIONS}
    overlay.write_text(yaml.safe_dump({"all": {"hosts": exceptions}}, allow_unicode=True), encoding="utf-8")
    c = Combined(linux, devices, overlay)
    inventories = [lab.inventory, overlay]
    target = ":".join(c.hosts)
    base = ["-e", f"change_id={CHANGE}", *linux_vars(lab)]
    # a normal user with a password (the password login after hardening); removed at the end
    lab.ansible(":".join(linux), "ansible.builtin.shell",
                f"id {CLERK} || useradd -m -s /bin/bash {CLERK};"  # the hash is set directly: no PAM quality check
                f" echo \"{CLERK}:$(openssl passwd -6 '{CLERK_PW}')\" | chpasswd -e", become=True)  # fmt: skip
    for host in devices.values():
        reset(lab, host)
    try:
        c.seeded_etc = etc(lab, linux)
        c.seeded_config = {p: running(lab, h) for p, h in devices.items()}
        c.runs["check"] = play(lab, tmp_path_factory.mktemp("preview"), inventories, target,
                               "--check", "--diff", "--skip-tags", "harden_audit", *base)  # fmt: skip
        c.etc_after_check = etc(lab, linux)
        c.config_after_check = {p: running(lab, h) for p, h in devices.items()}
        c.runs["real"] = play(lab, tmp_path_factory.mktemp("real"), inventories, target, "--diff", *base)
        c.hardened_config = {p: running(lab, h) for p, h in devices.items()}
        c.runs["again"] = play(
            lab, tmp_path_factory.mktemp("again"), inventories, target, "--skip-tags", "harden_audit", *base
        )
        # management access with new connections (ControlPath=none: not the run's persisted sessions)
        env = dict(lab.env, ANSIBLE_SSH_ARGS="-o ControlMaster=no -o ControlPath=none")
        cmd = [str(BIN / "ansible"), "-i", str(lab.inventory), ":".join(linux), "-m", "ansible.builtin.command",
               "-a", "id -u", "--become"]  # fmt: skip
        c.fresh_linux = subprocess.run(
            cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False
        )
        c.user_login = {h: password_login(lab, h) for h in linux}
        c.device_login = lab.ansible(":".join(devices.values()), "ansible.netcommon.cli_command", VERSION_CMD)
    finally:
        # the devices as seeded for every other test at once (test_harden_network_lab.py resets again)
        for host in devices.values():
            reset(lab, host)
    yield c
    if not c.rolled_back:
        rollback_linux(lab, tmp_path_factory.mktemp("rollback-combined"), linux)
    lab.ansible(
        ":".join(linux), "ansible.builtin.shell", f"userdel -r {CLERK} 2>/dev/null; true", become=True
    )
