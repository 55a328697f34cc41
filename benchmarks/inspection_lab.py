"""Benchmark: routine inspection of N lab Linux hosts plus the lab's network and SNMP devices.

Usage (root):  .venv/bin/python benchmarks/inspection_lab.py 100 [--keep]
Brings the lab (COURTOPS_LAB_ID, default 0) up at that size, runs playbooks/inspect.yml -e
profile=monthly with the recorder on, and prints the wall time, the hosts judged, and the machine's
load. Target: 100 Linux hosts + the devices within 60 s on 2 cores. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from courtops.lab import lab
from courtops.lab.config import REPO_ROOT, LabConfig


def main(argv: list[str]) -> int:
    size = int(next((a for a in argv if a.isdigit()), "100"))
    cfg = LabConfig.from_env()
    started = time.monotonic()
    lab.up(cfg, size, lab.DEFAULT_NETWORK, lab.DEFAULT_SNMP)
    print(
        f"lab up ({size} Linux, {lab.DEFAULT_NETWORK} network, {lab.DEFAULT_SNMP} SNMP): {time.monotonic() - started:.0f} s"
    )
    inventory = cfg.inventory_dir / "hosts.yml"
    with tempfile.TemporaryDirectory(prefix="courtops-bench-") as tmp:
        env = dict(
            os.environ,
            ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
            ANSIBLE_CALLBACKS_ENABLED="courtops_recorder",
            COURTOPS_STORE=str(Path(tmp) / "store.sqlite3"),
        )
        for attempt in ("first (cold SSH connections)", "second (ControlPersist warm)"):
            load = os.getloadavg()[0]
            started = time.monotonic()
            proc = subprocess.run(
                [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
                 str(REPO_ROOT / "playbooks" / "inspect.yml"), "-e", "profile=monthly"],
                capture_output=True, text=True, env=env, check=False,
            )  # fmt: skip
            wall = time.monotonic() - started
            hosts = sum(1 for line in proc.stdout.splitlines() if " : ok=" in line) - 1  # minus localhost
            print(
                f"inspection {attempt}: {wall:.1f} s wall for {hosts} devices (rc {proc.returncode}, load {load:.1f} at start)"
            )
    if "--keep" not in argv:
        lab.down(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
