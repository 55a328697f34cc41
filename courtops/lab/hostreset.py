"""`courtops lab host HOST --reset`: one Linux lab host back to the state `lab up` gives it.

The host's container is stopped, its overlay's upper layer (everything the host ever wrote) is thrown
away, and it is prepared again from the cached image exactly as `lab up` prepares it: a new machine-id,
a new SSH host key (the lab's known_hosts line is replaced), its hostname, the lab's O&M key, its
profile, the lab's base packages; then it boots and the call returns once SSH logins are allowed.

A host of the `baseline` profile (stock Debian as debootstrap installs it, nothing changed) reset this
way is a freshly installed server: the target of a Linux restore drill onto a new host (docs/restore.md).
Other hosts keep the lab's other hosts untouched; a test that changes a host resets it afterwards so the
audit and inspection tests find the profile they expect.
"""

from __future__ import annotations

import shutil
from typing import Any

from courtops.lab import aptrepo, hosts, rootfs, state
from courtops.lab.config import LabConfig
from courtops.lab.plan import HostSpec, LabPlan
from courtops.lab.util import LabError, progress, quiet, require_root


def _spec(cfg: LabConfig, st: dict[str, Any], name: str) -> HostSpec:
    size = st.get("size") or [0, 0, 0]
    specs = {s.name: s for s in LabPlan.build(cfg, *size).linux}
    if name not in specs or name not in (st.get("linux") or {}):
        known = ", ".join(sorted(specs)) or "none (is the lab up?)"
        raise LabError(f"{name} is not a Linux host of lab {cfg.lab_id} (Linux hosts: {known})")
    return specs[name]


def _replace_known_host(cfg: LabConfig, spec: HostSpec) -> None:
    lines = cfg.known_hosts.read_text(encoding="utf-8").splitlines() if cfg.known_hosts.exists() else []
    kept = [ln for ln in lines if ln.split(" ", 1)[0] != spec.address]
    kept.append(f"{spec.address} {hosts.host_public_key(cfg, spec)}")
    cfg.known_hosts.write_text("\n".join(kept) + "\n", encoding="utf-8")


def reset(cfg: LabConfig, name: str) -> dict[str, Any]:
    """Stop, wipe and boot the host again from the image; returns its new state entry."""
    require_root("courtops lab host --reset")
    st = state.load(cfg)
    spec = _spec(cfg, st, name)
    entry: dict[str, Any] = st["linux"][name]
    progress(f"{name}: stopping and discarding everything it wrote")
    pid = entry.get("nspawn_pid")
    if isinstance(pid, int) and pid > 0:  # never 0: killing pid 0 would signal our own process group
        hosts.stop_one(pid)
    base = hosts.host_dir(cfg, spec)
    root = base / "root"
    if not (quiet(["umount", str(root)]) or quiet(["umount", "-l", str(root)])) and root.is_mount():
        raise LabError(f"{name}: could not unmount {root}")
    for sub in ("upper", "work"):
        shutil.rmtree(base / sub, ignore_errors=True)
    pubkey = cfg.ssh_key.with_suffix(".pub").read_text(encoding="utf-8")
    hosts.prepare(cfg, rootfs.ensure_rootfs(cfg), spec, pubkey)
    _replace_known_host(cfg, spec)
    pid = hosts.start(cfg, spec)
    leader = hosts.leader(pid)
    hosts.attach_network(cfg, spec, leader)
    aptrepo.seed(cfg, spec, leader)
    fresh = state.load(cfg)  # the reboot watcher may have saved meanwhile
    fresh.setdefault("linux", {})[name] = entry | {"nspawn_pid": pid, "leader_pid": leader}
    state.save(cfg, fresh)
    if hosts.wait_ssh([spec.address], timeout=90):
        raise LabError(f"{name}: no SSH answer after the reset (see {base / 'console.log'})")
    if hosts.wait_logins_allowed({name: leader}, timeout=60):
        raise LabError(f"{name}: still booting (logins not yet allowed) after the reset")
    progress(f"{name}: reset to the image and its profile {spec.profile!r}")
    return dict(fresh["linux"][name])
