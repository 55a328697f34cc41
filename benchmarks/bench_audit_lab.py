"""Benchmark: playbooks/audit.yml (one collector call per host, judgement on the controller)
against the same Linux checks written as one module call per check, on the running lab.

    COURTOPS_LAB_ID=1 courtops lab up --linux 100
    COURTOPS_LAB_ID=1 .venv/bin/python benchmarks/bench_audit_lab.py                    # both, and the ratio
    COURTOPS_LAB_ID=1 .venv/bin/python benchmarks/bench_audit_lab.py --skip-per-check   # audit.yml alone

For each playbook it prints the wall-clock seconds, the controller's CPU (user + sys of the process
tree of ansible-playbook: RUSAGE_CHILDREN of this script around the run, i.e. the forked workers and
the ssh clients they wait for), the lab targets' CPU (the growth of ``usage_usec`` in the lab's cgroup
tree of its Linux hosts, when readable: sshd, sudo, python and the collector's commands inside the
containers, and each container's systemd; on the lab they share the controller's cores) and the
load average before and after; then the ratio per-check / audit.yml. Figures only, nothing asserted.
The per-check run only *reads*; it does not even judge, so the ratio understates the difference.
``--store FILE`` records the audit.yml run with the recorder into FILE (for
benchmarks/compare_findings.py); without it the recorder is off in both runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"


@dataclass
class Run:
    wall: float
    user: float
    sys: float
    targets: float | None  # CPU-s inside the lab's Linux containers; None when the cgroup is unreadable
    load: tuple[float, float]

    def line(self, what: str, hosts: int) -> str:
        cpu = self.user + self.sys
        target = (
            f", targets {self.targets:.1f} CPU-s ({self.targets / max(hosts, 1):.2f}/host)"
            if self.targets is not None
            else ", targets: lab cgroup not readable"
        )
        return (
            f"{what}: wall {self.wall:7.1f} s, controller {self.user:.1f} user + {self.sys:.1f} sys = "
            f"{cpu:.1f} CPU-s ({cpu / max(hosts, 1):.2f}/host){target}, load {self.load[0]:.1f} → {self.load[1]:.1f}"
        )


def target_cpu(cgroup: Path) -> float | None:
    """CPU-seconds used so far by everything in the lab's cgroup tree (cgroup v2 ``cpu.stat``)."""
    try:
        for line in (cgroup / "cpu.stat").read_text().splitlines():
            key, value = line.split()
            if key == "usage_usec":
                return int(value) / 1e6
    except (OSError, ValueError):
        pass
    return None


def timed(args: list[str], env: dict[str, str], cgroup: Path) -> Run:
    load0, cg0 = os.getloadavg()[0], target_cpu(cgroup)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cg1 = target_cpu(cgroup)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return Run(
        wall=elapsed,
        user=after.ru_utime - before.ru_utime,
        sys=after.ru_stime - before.ru_stime,
        targets=None if cg0 is None or cg1 is None else cg1 - cg0,
        load=(load0, os.getloadavg()[0]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-per-check", action="store_true", help="run audit.yml only (no ratio)")
    parser.add_argument("--store", type=Path, help="record the audit.yml run into this results store")
    parser.add_argument("--target", default="linux_deb:linux_rpm", help="host pattern (default: %(default)s)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from courtops.lab.config import LabConfig
    from courtops.lab.hosts import CGROUP_HIERARCHIES, cgroup_root

    cfg = LabConfig.from_env()
    inventory = str(cfg.inventory_dir / "hosts.yml")
    # the cgroup v2 tree the lab puts every Linux container in (courtops/lab/hosts.py)
    cgroups = [cgroup_root(cfg, h) for h in CGROUP_HIERARCHIES if (cgroup_root(cfg, h) / "cpu.stat").exists()]
    cgroup = cgroups[0] if cgroups else cgroup_root(cfg, "unified")
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks",
    )
    audit_env = dict(env)
    if args.store:
        audit_env |= {
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks, courtops_recorder",
            "COURTOPS_STORE": str(args.store.resolve()),
        }
    hosts = (
        subprocess.run(
            [str(BIN / "ansible"), "-i", inventory, args.target, "--list-hosts"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        ).stdout.count("\n")
        - 1
    )
    out = f"/tmp/courtops-bench-{os.getpid()}"
    print(f"Linux hosts: {hosts} (lab {cfg.lab_id}, {os.cpu_count()} CPUs)", flush=True)
    audit = timed(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            inventory,
            "playbooks/audit.yml",
            "-e",
            f"target={args.target}",
            "-e",
            f"dengbao_output_dir={out}",
        ],
        audit_env,
        cgroup,
    )
    print(audit.line("audit.yml (1 collector call/host + controller evaluation)", hosts), flush=True)
    if args.skip_per_check:
        return 0
    per_check = timed(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            inventory,
            "benchmarks/per_check_audit.yml",
            "-e",
            f"target={args.target}",
        ],
        env,
        cgroup,
    )
    print(per_check.line("one module call per check (read only, no judgement)", hosts))
    print(f"ratio per-check / audit.yml: {per_check.wall / audit.wall:.1f}x wall", end="")
    cpu_a, cpu_p = audit.user + audit.sys, per_check.user + per_check.sys
    if audit.targets is not None and per_check.targets is not None:
        print(f", {(cpu_p + per_check.targets) / (cpu_a + audit.targets):.1f}x CPU (controller + targets)")
    else:
        print(f", {cpu_p / cpu_a:.1f}x controller CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
