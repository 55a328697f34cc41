"""`up`, `down` and `status`: the lab as a whole.

`up` is idempotent: hosts already running are left alone, missing ones are started. `down` removes
everything of this lab id only — found from the state file and by name prefix / state-dir path,
so it also cleans up after a crash or a killed `up`.
"""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from courtops.lab import (
    aptrepo,
    devices,
    hosts,
    inventory,
    netns,
    proxy,
    rebootd,
    rootfs,
    snmp,
    state,
    systems,
)
from courtops.lab.config import LabConfig
from courtops.lab.plan import HostSpec, LabPlan
from courtops.lab.util import LabError, pid_alive, progress, require_root, run

DEFAULT_LINUX = 8
DEFAULT_NETWORK = 6
DEFAULT_SNMP = 6

#: 20+ systemd containers exhaust the default inotify limits (SSH logins then stall 120 s)
INOTIFY = {"fs.inotify.max_user_instances": 8192, "fs.inotify.max_user_watches": 524288}


def _raise_inotify() -> None:
    for key, want in INOTIFY.items():
        path = Path("/proc/sys") / key.replace(".", "/")
        if int(path.read_text()) < want:
            path.write_text(str(want))


def _ensure_ssh_key(cfg: LabConfig) -> str:
    if not cfg.ssh_key.exists():
        cfg.ssh_key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                f"courtops-lab{cfg.lab_id}",
                "-f",
                str(cfg.ssh_key),
            ]
        )
    return cfg.ssh_key.with_suffix(".pub").read_text(encoding="utf-8")


def _linux_up(cfg: LabConfig, plan: LabPlan, st: dict[str, Any]) -> None:
    if not plan.linux:
        return
    image = rootfs.ensure_rootfs(cfg)
    pubkey = _ensure_ssh_key(cfg)
    running: dict[str, Any] = st.setdefault("linux", {})
    todo = [s for s in plan.linux if not pid_alive((running.get(s.name) or {}).get("nspawn_pid"))]
    if todo:
        progress(f"preparing {len(todo)} Linux host(s) (overlay, keys, profile)")
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda s: hosts.prepare(cfg, image, s, pubkey), todo))
    for i, spec in enumerate(todo, 1):
        pid = hosts.start(cfg, spec)
        leader = hosts.leader(pid)
        hosts.attach_network(cfg, spec, leader)
        running[spec.name] = {
            "nspawn_pid": pid,
            "leader_pid": leader,
            "address": spec.address,
            "profile": spec.profile,
        }
        if i % 10 == 0 or i == len(todo):
            progress(f"  booted {i}/{len(todo)} Linux hosts")
            state.save(cfg, st)
    lines = [f"{s.address} {hosts.host_public_key(cfg, s)}" for s in plan.linux]
    cfg.known_hosts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    progress(f"waiting for SSH on {len(plan.linux)} Linux host(s)")
    missing = hosts.wait_ssh([s.address for s in plan.linux], timeout=30 + len(plan.linux))
    if missing:
        # a boot that stalls (seen rarely on a heavily loaded machine) gets one clean restart
        progress(f"restarting {len(missing)} host(s) that did not answer SSH: {', '.join(missing)}")
        for spec in (s for s in plan.linux if s.address in missing):
            hosts.stop_one(running[spec.name]["nspawn_pid"])
            pid = hosts.start(cfg, spec)
            leader = hosts.leader(pid)
            hosts.attach_network(cfg, spec, leader)
            running[spec.name].update({"nspawn_pid": pid, "leader_pid": leader})
        state.save(cfg, st)
        missing = hosts.wait_ssh(missing, timeout=60 + len(missing))
    if missing:
        raise LabError(f"no SSH answer from {', '.join(missing)} (see {cfg.hosts_dir}/<host>/console.log)")
    booting = hosts.wait_logins_allowed(
        {s.name: running[s.name]["leader_pid"] for s in plan.linux}, timeout=60 + len(plan.linux)
    )
    if booting:
        raise LabError(f"still booting (logins not yet allowed): {', '.join(booting)}")


def up(cfg: LabConfig, linux: int, network: int, snmp_count: int) -> dict[str, Any]:
    require_root("courtops lab up")
    started = time.monotonic()
    plan = LabPlan.build(cfg, linux, network, snmp_count)
    st = state.load(cfg)
    size = st.get("size")
    if size and size != [linux, network, snmp_count] and _is_up(cfg):
        raise LabError(
            f"lab {cfg.lab_id} is already up with a different size {size}; run `courtops lab down` first"
        )
    st.update({"lab_id": cfg.lab_id, "size": [linux, network, snmp_count], "subnet": str(cfg.subnet)})
    state.save(cfg, st)
    _raise_inotify()
    netns.ensure_bridge(cfg)
    if not pid_alive(st.get("proxy_pid")):
        st["proxy_pid"] = proxy.start(cfg)
        state.save(cfg, st)
    _linux_up(cfg, plan, st)
    if plan.linux:  # the package repository hosts patch from, and hosts that come back after a reboot
        aptrepo.up(cfg, st, plan.linux)
        rebootd.ensure(cfg, st)
    if plan.network:
        progress(f"starting {len(plan.network)} simulated network device(s) and {len(plan.spares)} spare(s)")
        st["network"] = devices.up(cfg, [*plan.network, *plan.spares], st.get("network") or {})
        state.save(cfg, st)
    if plan.snmp:
        progress(
            f"starting {len(plan.snmp)} SNMP device(s) and {len(plan.systems)} member(s) of the named systems"
        )
        st["snmp"] = snmp.up(cfg, plan.snmp, st.get("snmp") or {})
        st["systems"] = systems.up(cfg, plan.systems, st.get("systems") or {})
        state.save(cfg, st)
    inv = inventory.write(cfg, plan)
    st["inventory"] = str(inv)
    st["up_seconds"] = round(time.monotonic() - started, 1)
    state.save(cfg, st)
    progress(f"lab {cfg.lab_id} up in {st['up_seconds']} s; inventory {inv}")
    return st


def _is_up(cfg: LabConfig) -> bool:
    return bool(hosts.lab_processes(cfg) or netns.lab_links(cfg))


def down(cfg: LabConfig) -> None:
    require_root("courtops lab down")
    started = time.monotonic()
    hosts.stop_all(cfg)
    devices.down(cfg)
    snmp.down(cfg)
    for ns in netns.list_netns(cfg):
        for pid in netns.netns_pids(ns):
            hosts.kill(pid)
    for pid in hosts.lab_processes(cfg):  # the proxy and anything else started from the state dir
        hosts.kill(pid)
    hosts.unmount_all(cfg)
    hosts.remove_cgroups(cfg)
    netns.delete_netns(cfg)
    netns.delete_links(cfg)
    devices.forget_host_keys(cfg)
    if hosts.lab_mounts(cfg):
        raise LabError(f"still mounted after down: {', '.join(hosts.lab_mounts(cfg))}")
    shutil.rmtree(cfg.hosts_dir, ignore_errors=True)
    shutil.rmtree(cfg.state_dir / "devices", ignore_errors=True)
    state.clear(cfg)
    inventory.remove(cfg)
    aptrepo.remove(cfg)
    progress(f"lab {cfg.lab_id} down in {time.monotonic() - started:.1f} s")


def status(cfg: LabConfig) -> dict[str, Any]:
    st = state.load(cfg)
    procs = hosts.lab_processes(cfg)
    linux = st.get("linux") or {}
    alive = {name: pid_alive(v.get("nspawn_pid")) for name, v in linux.items()}
    return {
        "lab_id": cfg.lab_id,
        "subnet": str(cfg.subnet),
        "state_dir": str(cfg.state_dir),
        "up": bool(procs),
        "size": st.get("size"),
        "linux_running": sum(alive.values()),
        "linux_total": len(linux),
        "network": sorted((st.get("network") or {}).get("devices", [])),
        "snmp": sorted((st.get("snmp") or {}).get("devices", [])),
        "systems": sorted((st.get("systems") or {}).get("devices", [])),
        "processes": len(procs),
        "namespaces": netns.list_netns(cfg),
        "links": len(netns.lab_links(cfg)),
        "mounts": len(hosts.lab_mounts(cfg)),
        "cgroups": hosts.lab_cgroups(cfg),
        "inventory": st.get("inventory"),
        "memory_mb": round(_memory_kb(procs) / 1024, 1),
        "up_seconds": st.get("up_seconds"),
    }


def _memory_kb(pids: list[int]) -> int:
    """Proportional set size of the lab's processes and everything below them (containers too)."""
    total = 0
    seen: set[int] = set()
    stack = list(pids)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack += hosts.children(pid)
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def host_specs(cfg: LabConfig) -> list[HostSpec]:
    st = state.load(cfg)
    size = st.get("size") or [0, 0, 0]
    return LabPlan.build(cfg, *size).all()
