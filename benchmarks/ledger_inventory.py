"""Benchmark: reading and checking the asset ledger, and building the Ansible inventory from it.

Prints figures (no assertions). Run: .venv/bin/python benchmarks/ledger_inventory.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from courtops.ledger import load_plan, read_ledger

REPO = Path(__file__).resolve().parent.parent
COURT = REPO / "inventory" / "court"


def main() -> None:
    plan = load_plan(COURT / "address_plan.yml")
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        result = read_ledger(COURT / "assets.csv", plan)
        runs.append(time.perf_counter() - started)
    print(f"ledger check: {len(result.assets)} devices in {min(runs) * 1000:.0f} ms (best of 5)")

    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    started = time.perf_counter()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(COURT), "--list"],
        env=env, capture_output=True, check=True,
    )  # fmt: skip
    print(
        f"ansible-inventory --list: {time.perf_counter() - started:.2f} s wall, {len(proc.stdout) // 1024} KiB JSON"
    )


if __name__ == "__main__":
    main()
