#!/usr/bin/python
# -*- coding: utf-8 -*-
# Runs on the target: Python 3.6+ standard library only (Kylin and UOS ship old Pythons).
# Read-only: it reads /proc, statvfs and asks systemctl / journalctl / timedatectl; it never writes.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: courtops_host_metrics
short_description: Gather a Linux host's inspection readings in one call (日常巡检采集)
description:
  - Reads uptime, load and CPU count, memory, disk use per mounted filesystem, time synchronisation,
    the state of the given services, whether a reboot is pending, when packages last changed, the number
    of error-level log entries since a given time, the age of antivirus signature files and SMART health
    where smartctl can read it.
  - Returns raw readings only; the controller judges them against the inspection thresholds
    (courtops.inspection.judge), so the target side stays small and runs on Python 3.6.
  - Never changes the host.
version_added: "0.1.0"
author: courtops
options:
  services:
    description: Service (systemd unit) names whose active state is reported.
    type: list
    elements: str
    default: []
  since:
    description: Count log errors since this UNIX time (the previous inspection); default 30 days ago.
    type: float
  av_signature_paths:
    description: Antivirus signature files or directories; the newest modification time is reported.
    type: list
    elements: str
    default: []
  command_timeout:
    description: Seconds one command may take; a command that has not returned by then is killed and its reading is unreadable with 超时.
    type: float
    default: 20
"""

EXAMPLES = r"""
- name: Gather inspection readings
  courtops_host_metrics:
    services: [ssh, cron, rsyslog]
    av_signature_paths: [/var/lib/clamav/daily.cvd]
  register: readings
"""

RETURN = r"""
metrics:
  description: Raw readings; see the keys below. Missing readings are null with a reason in C(unreadable).
  returned: always
  type: dict
  contains:
    uptime_seconds:
      description: Seconds since boot.
      type: float
    load:
      description: The 1, 5 and 15 minute load averages.
      type: list
      elements: float
    cpu_count:
      description: Online CPUs.
      type: int
    memory:
      description: C(total_kb) and C(available_kb).
      type: dict
    disks:
      description: One entry per mounted filesystem (C(mount), C(fstype), C(size_kb), C(used_kb), C(used_pct)).
      type: list
      elements: dict
    time_sync:
      description: C(synchronized) (true, false or null), C(source) and C(offset_ms).
      type: dict
    services:
      description: Service name to systemd active state.
      type: dict
    pending_reboot:
      description: True when the OS asks for a reboot.
      type: bool
    packages_changed_at:
      description: UNIX time the package database last changed.
      type: float
    log_errors:
      description: Error-level journal entries since C(since).
      type: int
    av_signature_mtime:
      description: Newest modification time of the signature paths, or null.
      type: float
    smart:
      description: Device to overall-health text, where smartctl could read it.
      type: dict
    unreadable:
      description: Reading name to the reason it could not be read.
      type: dict
"""

import os
import subprocess
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.courtops_cmd import execute

PSEUDO_FS = frozenset(
    [
        "proc",
        "sysfs",
        "devtmpfs",
        "devpts",
        "tmpfs",
        "securityfs",
        "cgroup",
        "cgroup2",
        "pstore",
        "bpf",
        "debugfs",
        "tracefs",
        "mqueue",
        "hugetlbfs",
        "configfs",
        "fusectl",
        "autofs",
        "binfmt_misc",
        "rpc_pipefs",
        "nsfs",
        "squashfs",
        "ramfs",
        "efivarfs",
        "selinuxfs",
        "fuse.lxcfs",
        "fuse.gvfsd-fuse",  # a desktop user's virtual file systems, not a disk (and root may not stat it)
        "fuse.portal",
    ]
)


def _read(path):
    with open(path) as handle:
        return handle.read()


def _unescape_mount(field):
    """A /proc/mounts field with its octal escapes decoded (a space is \\040, a tab \\011 ...)."""
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and all(c in "01234567" for c in code):
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


class Runner:
    """Runs commands with a bounded time each: a hung command is killed (with its children)."""

    def __init__(self, module, timeout):
        self.module, self.timeout = module, timeout

    def __call__(self, args):
        """(rc, stdout), or (None, reason) when the command is missing or did not return in time."""
        binary = self.module.get_bin_path(args[0])
        if not binary:
            return None, "%s not installed" % args[0]
        env = dict(os.environ, LC_ALL="C")
        done = execute([binary] + list(args[1:]), self.timeout, env, stdin=subprocess.DEVNULL)
        if done.timed_out:
            return None, "超时：%s 在 %g 秒内未返回" % (" ".join(args[:2]), self.timeout)
        if done.rc is None:
            return None, "%s: %s" % (args[0], done.failure)
        return done.rc, done.out if done.out or done.rc == 0 else done.err


def _disks(bad):
    """One entry per mounted filesystem; one that cannot be read is an entry with its error, never skipped."""
    disks = []
    seen = set()  # mount points and devices already counted (bind mounts appear twice)
    try:
        lines = _read("/proc/mounts").splitlines()
    except OSError as exc:
        bad["disks"] = str(exc)
        return disks
    for line in lines:
        fields = [_unescape_mount(f) for f in line.split()]
        # skip pseudo filesystems and bind-mounted single files (containers mount /etc/resolv.conf …)
        if len(fields) < 3 or fields[2] in PSEUDO_FS or fields[1] in seen:
            continue
        mount, fstype = fields[1], fields[2]
        seen.add(mount)
        try:
            if not os.path.isdir(mount) and os.path.exists(mount):
                continue  # a bind-mounted file, not a filesystem to measure
            st = os.statvfs(mount)
            device = os.stat(mount).st_dev
        except OSError as exc:
            disks.append({"mount": mount, "fstype": fstype, "error": "%s" % (exc.strerror or exc)})
            continue
        if device in seen:
            continue
        seen.add(device)
        size = st.f_blocks * st.f_frsize // 1024
        if size <= 0:
            continue
        used = (st.f_blocks - st.f_bfree) * st.f_frsize // 1024
        avail = st.f_bavail * st.f_frsize // 1024
        pct = round(100.0 * used / (used + avail), 1) if used + avail else 0.0
        disks.append({"mount": mount, "fstype": fstype, "size_kb": size, "used_kb": used, "used_pct": pct})
    return disks


def gather(module, services, since, av_paths, run):
    metrics = {"unreadable": {}}
    bad = metrics["unreadable"]

    try:
        metrics["uptime_seconds"] = float(_read("/proc/uptime").split()[0])
    except (OSError, ValueError, IndexError) as exc:
        bad["uptime_seconds"] = str(exc)
    try:
        metrics["load"] = [float(x) for x in _read("/proc/loadavg").split()[:3]]
    except (OSError, ValueError) as exc:
        bad["load"] = str(exc)
    metrics["cpu_count"] = os.cpu_count() or 1

    try:
        meminfo = {}
        for line in _read("/proc/meminfo").splitlines():
            key, _, rest = line.partition(":")
            meminfo[key] = int(rest.split()[0])
        metrics["memory"] = {"total_kb": meminfo["MemTotal"], "available_kb": meminfo["MemAvailable"]}
    except (OSError, ValueError, KeyError, IndexError) as exc:
        bad["memory"] = str(exc)

    metrics["disks"] = _disks(bad)

    sync = {"synchronized": None, "source": None, "offset_ms": None}
    rc, out = run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"])
    timedatectl_error = out if rc is None and "not installed" not in out else None
    if rc == 0 and out.strip() in ("yes", "no"):
        sync.update(synchronized=out.strip() == "yes", source="timedatectl")
    rc, out = run(["chronyc", "-n", "tracking"])
    chrony_error = out if rc is None and "not installed" not in out else None
    if rc == 0:
        for line in out.splitlines():
            if line.startswith("System time"):
                try:
                    sync["offset_ms"] = round(float(line.split(":")[1].split()[0]) * 1000, 3)
                except (ValueError, IndexError):
                    pass
            if line.startswith("Leap status"):
                sync.update(synchronized="Normal" in line, source="chrony")
    if sync["synchronized"] is None:
        reasons = [r for r in (timedatectl_error, chrony_error) if r]
        bad["time_sync"] = (
            "; ".join(reasons) or "neither timedatectl nor chronyc reports a synchronisation state"
        )
    metrics["time_sync"] = sync

    states = {}
    if services:
        rc, out = run(["systemctl", "is-active"] + list(services))
        if rc is None:
            bad["services"] = out
        else:
            lines = [line.strip() for line in out.splitlines() if line.strip()]
            if len(lines) == len(services):
                states = dict(zip(services, lines))
            else:  # no running systemd (e.g. a chroot): unreadable, not "stopped"
                bad["services"] = "systemctl gave no state per service: %s" % (
                    out.strip()[:200] or "no output"
                )
    metrics["services"] = states

    metrics["pending_reboot"] = os.path.exists("/var/run/reboot-required")
    if not metrics["pending_reboot"] and module.get_bin_path("needs-restarting"):
        rc, out = run(["needs-restarting", "-r"])
        if rc is None:  # not answered: unknown, not "no reboot pending"
            metrics["pending_reboot"] = None
            bad["pending_reboot"] = out
        else:
            metrics["pending_reboot"] = rc == 1

    changed = None
    for db in ("/var/lib/dpkg/status", "/var/lib/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages"):
        if os.path.exists(db):
            changed = max(changed or 0, os.stat(db).st_mtime)
    metrics["packages_changed_at"] = changed
    if changed is None:
        bad["packages_changed_at"] = "no dpkg or rpm database"

    since = since if since is not None else time.time() - 30 * 86400
    rc, out = run(["journalctl", "-q", "--no-pager", "-p", "err", "-o", "cat", "--since", "@%d" % int(since)])
    if rc is None:
        bad["log_errors"] = out
        metrics["log_errors"] = None
    else:
        metrics["log_errors"] = len([line for line in out.splitlines() if line.strip()])
    metrics["log_errors_since"] = since

    newest = None
    for path in av_paths:
        for root in [path] if not os.path.isdir(path) else [os.path.join(path, n) for n in os.listdir(path)]:
            try:
                newest = max(newest or 0, os.stat(root).st_mtime)
            except OSError:
                continue
    metrics["av_signature_mtime"] = newest

    smart = {}
    smart_error = None
    if module.get_bin_path("smartctl"):
        rc, out = run(["smartctl", "--scan"])
        smart_error = out if rc is None else None
        for line in (out or "").splitlines() if rc == 0 else []:
            device = line.split()[0] if line.split() else ""
            if device.startswith("/dev/"):
                rc, health = run(["smartctl", "-H", device])
                verdict = [x for x in health.splitlines() if "overall-health" in x or "Health Status" in x]
                smart[device] = verdict[0].split(":", 1)[1].strip() if verdict else "unreadable"
                if rc is None:
                    smart[device] = health  # 超时: not a health verdict
    if not smart:
        bad["smart"] = smart_error or "smartctl not installed or no readable disk"
    metrics["smart"] = smart
    metrics["collected_at"] = time.time()
    return metrics


def main():
    module = AnsibleModule(
        argument_spec=dict(
            services=dict(type="list", elements="str", default=[]),
            since=dict(type="float"),
            av_signature_paths=dict(type="list", elements="str", default=[]),
            command_timeout=dict(type="float", default=20.0),
        ),
        supports_check_mode=True,
    )
    p = module.params
    run = Runner(module, p["command_timeout"])
    module.exit_json(
        changed=False, metrics=gather(module, p["services"], p["since"], p["av_signature_paths"], run)
    )


if __name__ == "__main__":
    main()
