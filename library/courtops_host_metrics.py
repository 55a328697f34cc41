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
import time

from ansible.module_utils.basic import AnsibleModule

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
    ]
)


def _read(path):
    with open(path) as handle:
        return handle.read()


def _run(module, args):
    """(rc, stdout) of a command, or (None, reason) when it does not exist."""
    binary = module.get_bin_path(args[0])
    if not binary:
        return None, "%s not installed" % args[0]
    rc, out, err = module.run_command([binary] + args[1:], environ_update={"LC_ALL": "C"})
    return rc, out if rc is not None else err


def gather(module, services, since, av_paths):
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

    disks = []
    seen = set()  # mount points and devices already counted (bind mounts appear twice)
    try:
        for line in _read("/proc/mounts").splitlines():
            fields = line.split()
            # skip pseudo filesystems and bind-mounted single files (containers mount /etc/resolv.conf …)
            if len(fields) < 3 or fields[2] in PSEUDO_FS or fields[1] in seen or not os.path.isdir(fields[1]):
                continue
            seen.add(fields[1])
            try:
                st = os.statvfs(fields[1])
                device = os.stat(fields[1]).st_dev
            except OSError:
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
            disks.append(
                {"mount": fields[1], "fstype": fields[2], "size_kb": size, "used_kb": used, "used_pct": pct}
            )
    except OSError as exc:
        bad["disks"] = str(exc)
    metrics["disks"] = disks

    sync = {"synchronized": None, "source": None, "offset_ms": None}
    rc, out = _run(module, ["timedatectl", "show", "-p", "NTPSynchronized", "--value"])
    if rc == 0 and out.strip() in ("yes", "no"):
        sync.update(synchronized=out.strip() == "yes", source="timedatectl")
    rc, out = _run(module, ["chronyc", "-n", "tracking"])
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
        bad["time_sync"] = "neither timedatectl nor chronyc reports a synchronisation state"
    metrics["time_sync"] = sync

    states = {}
    if services:
        rc, out = _run(module, ["systemctl", "is-active"] + list(services))
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
        rc, _ = _run(module, ["needs-restarting", "-r"])
        metrics["pending_reboot"] = rc == 1

    changed = None
    for db in ("/var/lib/dpkg/status", "/var/lib/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages"):
        if os.path.exists(db):
            changed = max(changed or 0, os.stat(db).st_mtime)
    metrics["packages_changed_at"] = changed
    if changed is None:
        bad["packages_changed_at"] = "no dpkg or rpm database"

    since = since if since is not None else time.time() - 30 * 86400
    rc, out = _run(
        module, ["journalctl", "-q", "--no-pager", "-p", "err", "-o", "cat", "--since", "@%d" % int(since)]
    )
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
    if module.get_bin_path("smartctl"):
        rc, out = _run(module, ["smartctl", "--scan"])
        for line in (out or "").splitlines() if rc == 0 else []:
            device = line.split()[0] if line.split() else ""
            if device.startswith("/dev/"):
                _, health = _run(module, ["smartctl", "-H", device])
                verdict = [x for x in health.splitlines() if "overall-health" in x or "Health Status" in x]
                smart[device] = verdict[0].split(":", 1)[1].strip() if verdict else "unreadable"
    if not smart:
        bad["smart"] = "smartctl not installed or no readable disk"
    metrics["smart"] = smart
    metrics["collected_at"] = time.time()
    return metrics


def main():
    module = AnsibleModule(
        argument_spec=dict(
            services=dict(type="list", elements="str", default=[]),
            since=dict(type="float"),
            av_signature_paths=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    p = module.params
    module.exit_json(
        changed=False, metrics=gather(module, p["services"], p["since"], p["av_signature_paths"])
    )


if __name__ == "__main__":
    main()
