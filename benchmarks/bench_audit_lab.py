"""Benchmark: playbooks/audit.yml (one collector call per host, judgement on the controller)
against the same Linux checks written as one module call per check, on the running lab.

    COURTOPS_LAB_ID=1 courtops lab up --linux 20
    COURTOPS_LAB_ID=1 .venv/bin/python benchmarks/bench_audit_lab.py

Prints wall-clock seconds for both and their ratio (figures only, nothing asserted). The
per-check run only *reads*; it does not even judge, so the ratio understates the difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return elapsed


def main() -> int:
    sys.path.insert(0, str(REPO))
    from courtops.lab.config import LabConfig

    cfg = LabConfig.from_env()
    inventory = str(cfg.inventory_dir / "hosts.yml")
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks",
    )
    target = "linux_deb:linux_rpm"
    hosts = (
        subprocess.run(
            [str(BIN / "ansible"), "-i", inventory, target, "--list-hosts"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        ).stdout.count("\n")
        - 1
    )
    out = f"/tmp/courtops-bench-{os.getpid()}"
    audit = timed(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            inventory,
            "playbooks/audit.yml",
            "-e",
            f"target={target}",
            "-e",
            f"dengbao_output_dir={out}",
        ],
        env,
    )
    per_check = timed(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            inventory,
            "benchmarks/per_check_audit.yml",
            "-e",
            f"target={target}",
        ],
        env,
    )
    print(f"Linux hosts: {hosts}")
    print(f"audit.yml (1 collector call/host + controller evaluation): {audit:7.1f} s")
    print(f"one module call per check (read only, no judgement):        {per_check:7.1f} s")
    print(f"ratio per-check / audit.yml: {per_check / audit:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
