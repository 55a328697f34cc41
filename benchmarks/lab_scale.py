"""Measure the local lab: `up` time, memory per Linux host, Ansible ping time, `down` time.

Usage (root):  .venv/bin/python benchmarks/lab_scale.py 20 100 [--cold]
Each size starts from a downed lab (Linux hosts only), so the numbers are comparable; --cold first
builds the rootfs into an empty temporary cache (COURTOPS_LAB_CACHE) to time debootstrap too.
Prints figures only; no assertion on time (the machine is shared, numbers vary with load).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from courtops.lab import lab, rootfs
from courtops.lab.config import REPO_ROOT, LabConfig


def ping_seconds(inventory: Path) -> tuple[float, str]:
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"))
    started = time.monotonic()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible"), "-i", str(inventory), "linux_deb:linux_rpm",
         "-m", "ansible.builtin.ping", "-o"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    ok = proc.stdout.count("SUCCESS")
    failed = [line.split(" | ")[0] + ": " + line.split(" | ", 1)[-1][:160]
              for line in proc.stdout.splitlines() if " | " in line and "SUCCESS" not in line]  # fmt: skip
    return time.monotonic() - started, f"{ok} ok" + (f"; failed: {failed}" if failed else "")


def main(argv: list[str]) -> int:
    cfg = LabConfig.from_env()
    if "--cold" in argv:
        with tempfile.TemporaryDirectory(prefix="courtops-lab-cache-") as tmp:
            cold = LabConfig(cfg.lab_id, cfg.state_root, Path(tmp))
            started = time.monotonic()
            rootfs.ensure_rootfs(cold)
            print(f"cold rootfs build (debootstrap + setup): {time.monotonic() - started:.0f} s")
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    for size in [int(a) for a in argv if a.isdigit()]:
        lab.down(cfg)
        started = time.monotonic()
        lab.up(cfg, size, 0, 0)
        up_s = time.monotonic() - started
        time.sleep(5)  # let boot finish settling before measuring memory
        st = lab.status(cfg)
        ping_s, ping_ok = ping_seconds(cfg.inventory_dir / "hosts.yml")
        started = time.monotonic()
        lab.down(cfg)
        down_s = time.monotonic() - started
        print(
            f"{size:4d} Linux hosts: up {up_s:5.1f} s | memory {st['memory_mb']:7.1f} MB total, "
            f"{st['memory_mb'] / size:5.1f} MB/host (PSS) | ansible ping {ping_s:5.1f} s ({ping_ok}) "
            f"| down {down_s:4.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
