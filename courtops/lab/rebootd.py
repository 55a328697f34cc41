"""Lab hosts that really restart: a small watcher that boots a container again after it rebooted.

A lab host is `systemd-nspawn --keep-unit --boot`: when its systemd reboots, nspawn does not boot it
again itself but exits (status 133, "restart me", meant for a systemd service with
RestartForceExitStatus=133) — and the container's network namespace, with its veth, goes with it.
This machine has no systemd to restart it, so this watcher (one per lab id, started by `lab up`,
killed by `lab down` like every process whose command line names the state dir) does it: when a
host's nspawn is gone *and* the host asked for the reboot, it starts the container again, attaches
its network (same address, same MAC) and records the new pids in the state file.

"Asked for the reboot" is a marker the lab's reboot command writes into the host's persistent root
before `systemctl reboot` (`REBOOT_COMMAND`, set for lab hosts as `patch_linux_reboot_command` in the
lab's generated group_vars): nspawn's exit status is only seen by its parent, and a container killed
by `lab down` or a crash must stay down.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from courtops.lab import hosts, state
from courtops.lab.config import LabConfig
from courtops.lab.plan import LabPlan
from courtops.lab.util import LabError, pid_alive

MARKER = "var/lib/courtops-lab/reboot-requested"
REBOOT_COMMAND = f"sh -c 'mkdir -p /{Path(MARKER).parent} && touch /{MARKER} && systemctl reboot'"
POLL_S = 0.5


def restart_rebooted(cfg: LabConfig) -> list[str]:
    """One pass: boot again every host whose container is gone after it asked to reboot."""
    st = state.load(cfg)
    running: dict[str, Any] = st.get("linux") or {}
    size = st.get("size") or [0, 0, 0]
    specs = {s.name: s for s in LabPlan.build(cfg, *size).linux}
    restarted = []
    for name, entry in running.items():
        marker = cfg.hosts_dir / name / "root" / MARKER
        if name not in specs or pid_alive(entry.get("nspawn_pid")) or not marker.exists():
            continue
        marker.unlink()
        spec = specs[name]
        pid = hosts.start(cfg, spec)
        leader = hosts.leader(pid)
        hosts.attach_network(cfg, spec, leader)
        entry.update({"nspawn_pid": pid, "leader_pid": leader})
        restarted.append(name)
    if restarted:
        fresh = state.load(cfg)
        if fresh:  # not while `lab down` is clearing the lab
            fresh.setdefault("linux", {}).update({n: running[n] for n in restarted})
            state.save(cfg, fresh)
    return restarted


def _reap() -> None:
    """Restarted nspawns are our children: reap them, or a finished one would look alive."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def ensure(cfg: LabConfig, st: dict[str, Any]) -> None:
    """Start the watcher unless it runs already (called by `lab up`)."""
    if pid_alive(st.get("rebootd_pid")):
        return
    log = (cfg.state_dir / "rebootd.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "courtops.lab.rebootd", str(cfg.lab_id), str(cfg.state_dir) + "/"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        env={**os.environ, "COURTOPS_LAB_ID": str(cfg.lab_id), "COURTOPS_LAB_STATE": str(cfg.state_root)},
    )  # fmt: skip
    st["rebootd_pid"] = proc.pid
    state.save(cfg, st)


def main() -> None:
    cfg = LabConfig.from_env()
    while cfg.state_file.exists():
        try:
            for name in restart_rebooted(cfg):
                print(f"{time.strftime('%H:%M:%S')} {name}: rebooted, started again", flush=True)
        except (LabError, OSError) as exc:
            print(f"{time.strftime('%H:%M:%S')} restart failed: {exc}", flush=True)
        _reap()
        time.sleep(POLL_S)


if __name__ == "__main__":
    main()
