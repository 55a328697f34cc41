"""Stress: N consecutive lab inspections, each with a hard timeout; prints the runs and the hangs.

Usage (root, lab up):  COURTOPS_LAB_ID=3 .venv/bin/python benchmarks/stress_inspect.py 100 [--timeout 300]
                       [--limit 'lab-prn-01:lab-pc-002:localhost'] [--store PATH]

Reproduces issue 16.2: ``inspect.yml`` with the recorder on (a writer thread in the controller) and one
shared store, so every run opens the store from its plugins (``courtops_previous_run`` lookup, incidents
action) while the recorder writes. A run that has not finished within ``--timeout`` seconds is a hang:
its whole process group is killed and it is counted. Exit status 1 when any run hung.
tests/integration/test_stress_inspect.py runs a bounded version in CI.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LIMIT = "lab-prn-01:lab-pc-002:localhost"


@dataclass
class Outcome:
    number: int
    seconds: float
    rc: int | None  # None: hung, killed at the timeout
    tail: str


def lab_inventory() -> Path:
    from courtops.lab.config import LabConfig

    return LabConfig.from_env().inventory_dir / "hosts.yml"


def one_run(number: int, inventory: Path, limit: str, store: Path, timeout: float) -> Outcome:
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
        ANSIBLE_CALLBACKS_ENABLED="courtops_recorder",  # the writer thread that made forks unsafe
        COURTOPS_STORE=str(store),
    )
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
           str(REPO_ROOT / "playbooks" / "inspect.yml"), "-l", limit]  # fmt: skip
    started = time.monotonic()
    # a session of its own: a hung worker ignores SIGTERM, so the whole group gets SIGKILL
    proc = subprocess.Popen(
        cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, _ = proc.communicate(timeout=timeout)
        rc: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        rc = None
    return Outcome(number, time.monotonic() - started, rc, "\n".join(out.splitlines()[-6:]))


def stress(runs: int, timeout: float, limit: str, store: Path, inventory: Path) -> list[Outcome]:
    outcomes = []
    for number in range(1, runs + 1):
        outcome = one_run(number, inventory, limit, store, timeout)
        outcomes.append(outcome)
        state = "HANG (killed)" if outcome.rc is None else f"rc {outcome.rc}"
        print(
            f"run {number:>4}: {outcome.seconds:6.1f} s  {state}  load {os.getloadavg()[0]:.1f}", flush=True
        )
        if outcome.rc not in (0,):
            print("       " + outcome.tail.replace("\n", "\n       "), flush=True)
    return outcomes


def summary(outcomes: list[Outcome], timeout: float) -> str:
    hangs = sum(1 for o in outcomes if o.rc is None)
    failed = sum(1 for o in outcomes if o.rc not in (0, None))
    times = [o.seconds for o in outcomes if o.rc is not None] or [0.0]
    return (
        f"runs {len(outcomes)}, hangs {hangs} (timeout {timeout:.0f} s), failed {failed}, "
        f"median {statistics.median(times):.1f} s, max {max(times):.1f} s"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, nargs="?", default=100)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a run counts as hung")
    parser.add_argument("--limit", default=DEFAULT_LIMIT)
    parser.add_argument("--store", type=Path, help="results store (default: a fresh temporary one)")
    parser.add_argument("--inventory", type=Path, help="default: the lab inventory of COURTOPS_LAB_ID")
    args = parser.parse_args(argv)
    inventory = args.inventory or lab_inventory()
    with tempfile.TemporaryDirectory(prefix="courtops-stress-") as tmp:
        store = args.store or Path(tmp) / "store.sqlite3"
        print(f"{args.runs} inspections of {args.limit} on {inventory}, store {store}", flush=True)
        outcomes = stress(args.runs, args.timeout, args.limit, store, inventory)
    print(summary(outcomes, args.timeout), flush=True)
    return 1 if any(o.rc is None for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
