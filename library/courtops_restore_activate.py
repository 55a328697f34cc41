#!/usr/bin/python
# -*- coding: utf-8 -*-
# courtops: after a Linux restore put /etc back, make the host run it (the target side, step two).
# Runs on the TARGET's Python (3.6+, standard library only).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_restore_activate
short_description: After a Linux /etc restore, check sshd, install the backed-up packages and start the enabled units
description:
  - Step two of a Linux restore (playbooks/restore.yml, called by the C(courtops_restore) action after
    C(courtops_restore_files)).
  - "First the management connection: C(sshd -t) on the restored configuration. If it fails, the
    C(/etc/ssh) paths the restore changed are put back from I(rollback_dir) (or removed, when the
    restore created them) and the module fails: sshd is never reloaded with a configuration it rejects."
  - Then the packages of the backup that the host lacks, or holds at another version, are installed at
    the backed-up version from the host's own package sources (the restored C(/etc/apt)), dpkg keeping
    the restored configuration files. A package no source offers at that version is reported in
    C(unavailable) with the reason, never silently skipped. Packages the host has and the backup does not
    are left alone and counted.
  - "Then C(systemctl daemon-reload), every enabled service, socket, timer or path unit that is not active
    is started (oneshot services excepted: they ran at boot and exited, on the original too), and sshd
    is reloaded (a reload keeps open sessions) when the restore changed C(/etc/ssh)."
version_added: "0.2.0"
author: courtops
options:
  packages:
    description: The backup's installed packages, each C(name), C(version), C(arch).
    type: list
    elements: dict
    default: []
  manager:
    description: The backup's package manager (only C(dpkg) is installed from; others are reported).
    type: str
    default: dpkg
  enabled_units:
    description: The units the backup had enabled (units.txt).
    type: list
    elements: str
    default: []
  changed_paths:
    description: The paths the file restore changed (its C(changed_paths)).
    type: list
    elements: str
    default: []
  rollback_dir:
    description: Where the file restore kept what it replaced.
    type: path
    required: true
notes:
  - Supports check mode (reports the packages it would install, judged on the package lists the host
    has; it runs no C(apt-get update), no C(sshd -t), starts and reloads nothing).
"""

EXAMPLES = r"""
- name: Activate the restored /etc
  courtops_restore_activate:
    packages: [{name: courtops-secpkg, version: "1.1", arch: all}]
    enabled_units: [cron.service]
    changed_paths: [/etc/ssh/sshd_config]
    rollback_dir: /var/backups/courtops-restore-20261130T120000
"""

RETURN = r"""
installed:
  description: Packages installed or changed to the backed-up version (name=version).
  returned: always
  type: list
  elements: str
unavailable:
  description: Packages of the backup no package source offers at that version (name, version, reason).
  returned: always
  type: list
  elements: dict
extra_packages:
  description: How many packages the host has that the backup does not list (left alone).
  returned: always
  type: int
started:
  description: Enabled units that were not active and were started.
  returned: always
  type: list
  elements: str
not_started:
  description: Enabled units that did not start (unit and the reason).
  returned: always
  type: list
  elements: str
sshd_reloaded:
  description: Whether sshd was reloaded (the restore changed /etc/ssh and sshd -t accepted it).
  returned: always
  type: bool
"""

import os
import shutil

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.courtops_cmd import run as run_bounded

ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL": "C",
    "DEBIAN_FRONTEND": "noninteractive",
}
APT_OPTS = [
    "-o", "Dpkg::Options::=--force-confold", "-o", "Dpkg::Options::=--force-confdef",
    "-o", "Acquire::http::Timeout=20", "-o", "Acquire::Retries=0",
]  # fmt: skip
STARTABLE = (".service", ".socket", ".timer", ".path")
SSHD_UNITS = ("ssh.service", "sshd.service")


def run(argv, timeout=300):
    """(rc, out, err); rc 127 when the command does not exist, 124 when it timed out. Never raises."""
    return run_bounded(argv, timeout, ENV)


def sshd_binary():
    for path in ("/usr/sbin/sshd", "/usr/bin/sshd"):
        if os.path.exists(path):
            return path
    return None


def undo_ssh(changed, rollback, prefix="/etc/ssh/"):
    """Put the paths under ``prefix`` the restore changed back as they were (removed when it created them)."""
    for path in changed:
        if not path.startswith(prefix):
            continue
        kept = os.path.join(rollback, path.lstrip("/"))
        if os.path.lexists(kept):
            if os.path.lexists(path) and not os.path.isdir(path):
                os.remove(path)
            if os.path.islink(kept):
                os.symlink(os.readlink(kept), path)
            else:
                shutil.copy2(kept, path)
        elif os.path.lexists(path) and not os.path.isdir(path):
            os.remove(path)


def installed_packages():
    rc, out, _ = run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Status}\n"], 120)
    if rc != 0:
        return None
    have = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2] == "installed":
            have[parts[0]] = parts[1]
    return have


def available_versions(name):
    rc, out, _ = run(["apt-cache", "madison", name], 60)
    if rc != 0:
        return set()
    return {cols[1].strip() for cols in (ln.split("|") for ln in out.splitlines()) if len(cols) >= 2}


def packages(module, wanted, manager):
    """(installed, unavailable, extra count, apt messages)."""
    if not wanted:
        return [], [], 0, ""
    if manager != "dpkg":
        return (
            [],
            [
                {
                    "name": "*",
                    "version": "",
                    "reason": "软件包管理器 %s 的恢复未实现，请按 packages.txt 手工安装" % manager,
                }
            ],
            0,
            "",
        )
    have = installed_packages()
    if have is None:
        module.fail_json(msg="读取已安装软件包失败（dpkg-query）")
    names = {p["name"] for p in wanted}
    extra = len([n for n in have if n not in names])
    todo = [p for p in wanted if have.get(p["name"]) != p["version"]]
    if not todo:
        return [], [], extra, ""
    notes = ""
    if not module.check_mode:  # --check writes nothing, not even the package lists: judged on the ones there
        rc, _, err = run(["apt-get", "update"] + APT_OPTS, 300)
        notes = "" if rc == 0 else "apt-get update 部分失败：" + err.strip()[-300:]
    unavailable, install = [], []
    for p in todo:
        if p["version"] in available_versions(p["name"]):
            install.append("%s=%s" % (p["name"], p["version"]))
        else:
            unavailable.append(
                {"name": p["name"], "version": p["version"], "reason": "软件源中没有此版本（未安装）"}
            )
    if install and not module.check_mode:
        argv = ["apt-get", "install", "-y", "--no-install-recommends", "--allow-downgrades"] + APT_OPTS
        rc, out, err = run(argv + install, 900)
        if rc != 0:
            module.fail_json(
                msg="安装备份中的软件包失败：%s" % (err.strip() or out.strip())[-600:],
                unavailable=unavailable,
            )
    return install, unavailable, extra, notes


def is_active(unit):
    _rc, out, _ = run(["systemctl", "is-active", unit], 30)
    return out.strip() in ("active", "activating", "reloading")


def start_units(units):
    started, failed = [], []
    for unit in units:
        if not unit.endswith(STARTABLE) or "@." in unit or is_active(unit):
            continue
        # a oneshot service that ran and exited is inactive on the original too: starting it would run its
        # job (a first-boot script, a clean-up) once more for nothing
        _rc, kind, _ = run(["systemctl", "show", "-p", "Type", "--value", unit], 30)
        if kind.strip() == "oneshot":
            continue
        rc, _, err = run(["systemctl", "start", unit], 120)
        if rc == 0:
            started.append(unit)
        else:
            failed.append("%s：%s" % (unit, err.strip()[-200:] or "rc %d" % rc))
    return started, failed


def main():
    module = AnsibleModule(
        argument_spec={
            "packages": {"type": "list", "elements": "dict", "default": []},
            "manager": {"type": "str", "default": "dpkg"},
            "enabled_units": {"type": "list", "elements": "str", "default": []},
            "changed_paths": {"type": "list", "elements": "str", "default": []},
            "rollback_dir": {"type": "path", "required": True},
        },
        supports_check_mode=True,
    )
    p = module.params
    ssh_changed = any(c.startswith("/etc/ssh/") for c in p["changed_paths"])
    sshd = sshd_binary()
    if sshd and not module.check_mode:
        rc, out, err = run([sshd, "-t"], 60)
        if rc != 0:
            undo_ssh(p["changed_paths"], p["rollback_dir"])
            module.fail_json(
                msg="恢复的 sshd 配置未通过 sshd -t，已还原 /etc/ssh 的改动，sshd 未重新加载：%s"
                % (err.strip() or out.strip())[-400:]
            )
    installed, unavailable, extra, notes = packages(module, p["packages"], p["manager"])
    started, not_started, reloaded = [], [], False
    if not module.check_mode:
        run(["systemctl", "daemon-reload"], 120)
        started, not_started = start_units(p["enabled_units"])
        if ssh_changed and sshd:
            for unit in SSHD_UNITS:
                if is_active(unit) and run(["systemctl", "reload", unit], 60)[0] == 0:
                    reloaded = True
                    break
    module.exit_json(
        changed=bool(installed or started or reloaded),
        installed=installed,
        unavailable=unavailable,
        extra_packages=extra,
        started=started,
        not_started=not_started,
        sshd_reloaded=reloaded,
        apt_notes=notes,
    )


if __name__ == "__main__":
    main()
