"""Benchmark: the monthly inspection and the 等保 audit at lab size N, per host (issue 14.9).

    sudo COURTOPS_LAB_ID=6 .venv/bin/python benchmarks/bench_scale.py 100 300
    sudo COURTOPS_LAB_ID=6 .venv/bin/python benchmarks/bench_scale.py --running --limit 'lab-srv-001:lab-pc-002'

For each size N it brings the lab to N Linux hosts (plus --network / --snmp devices; a lab of another
size is taken down first), then runs ``playbooks/inspect.yml -e profile=monthly`` and
``playbooks/audit.yml`` with the recorder on (a throwaway store), and for each measures: wall time,
controller CPU (user + sys of the whole process tree: ``RUSAGE_CHILDREN`` of this script around the
run, i.e. ansible-playbook, its forked workers and the ssh clients they wait for), the peak memory of
the tree (sum of PSS over ansible-playbook and its descendants, sampled every 0.5 s), and the
machine's load average (start, highest seen, end — other work runs on this machine). With
``--classes`` it also inspects the SNMP devices alone and the network devices alone (the probe
classes most of the court's estate belongs to).

Prints a table and appends it, with the date, the commit and the load, to the data section of
docs/scale.md (``--data FILE`` elsewhere, ``--no-append`` nowhere). Figures only; asserts nothing.
``--running`` measures the lab as it is (no resizing); ``--limit`` narrows both playbooks
(localhost is added, the inspection's judgement runs there). ``--keep`` leaves the lab up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "docs" / "scale.md"
MARKER = "<!-- bench_scale.py appends below this line -->"


@dataclass
class Figures:
    what: str
    hosts: int
    rc: int
    wall: float
    cpu: float
    peak_mb: float
    load: tuple[float, float, float]  # at start, highest seen, at end

    def row(self, size: str) -> str:
        per = max(self.hosts, 1)
        return (
            f"| {size} | {self.what} | {self.hosts} | {self.rc} | {self.wall:.1f} | {self.cpu:.1f} "
            f"| {self.peak_mb:.0f} | {self.wall / per:.2f} | {self.cpu / per:.2f} | {self.peak_mb / per:.1f} "
            f"| {self.load[0]:.1f} / {self.load[1]:.1f} / {self.load[2]:.1f} |"
        )


HEADER = (
    "| Linux hosts in lab | run | hosts | rc | wall s | CPU s | peak MB | wall s/host | CPU s/host "
    "| MB/host | load start / max / end |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def _children(pid: int) -> list[int]:
    """pid and all its descendants (from /proc/*/stat)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        for child, ppid in parent.items():
            if ppid == current and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sorted(tree)


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Sampler(threading.Thread):
    """Peak PSS of a process tree and the highest 1-minute load average, every 0.5 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.load_max = pid, 0, os.getloadavg()[0]
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _children(self.pid)))
            self.load_max = max(self.load_max, os.getloadavg()[0])


def measure(what: str, args: list[str], env: dict[str, str], log: Path) -> Figures:
    load_start = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        sampler = Sampler(proc.pid)
        sampler.start()
        rc = proc.wait()
        sampler.stop.set()
        sampler.join()
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    recap = log.read_text(errors="replace").split("PLAY RECAP", 1)[-1]
    hosts = sum(1 for line in recap.splitlines() if " : ok=" in line and not line.startswith("localhost"))
    return Figures(
        what, hosts, rc, wall, cpu, sampler.peak_kb / 1024, (load_start, sampler.load_max, os.getloadavg()[0])
    )


def runs(inventory: Path, limit: str | None, classes: bool) -> list[tuple[str, list[str]]]:
    play = [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(inventory)]
    lim = ["-l", f"{limit}:localhost"] if limit else []
    out = [
        ("inspect.yml monthly", [*play, "playbooks/inspect.yml", "-e", "profile=monthly", *lim]),
        ("audit.yml", [*play, "playbooks/audit.yml", *lim]),
    ]
    if classes:
        out += [
            ("inspect.yml SNMP only", [*play, "playbooks/inspect.yml", "-e", "profile=monthly", "-l", "snmp_device:localhost"]),
            ("inspect.yml network only", [*play, "playbooks/inspect.yml", "-e", "profile=monthly", "-l", "network_cli:localhost"]),
            ("audit.yml network only", [*play, "playbooks/audit.yml", "-l", "network_cli"]),
        ]  # fmt: skip
    return out


def commit() -> str:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO, check=False
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "-uno"], capture_output=True, text=True, cwd=REPO, check=False
    )
    return proc.stdout.strip() + ("+uncommitted" if dirty.stdout.strip() else "")


def append(data: Path, text: str) -> None:
    current = data.read_text(encoding="utf-8") if data.exists() else f"# Scale\n\n{MARKER}\n"
    if MARKER not in current:
        current += f"\n{MARKER}\n"
    data.write_text(current.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, help="Linux hosts in the lab, one measurement per size")
    parser.add_argument(
        "--network", type=int, default=None, help="network devices (default: the lab's default)"
    )
    parser.add_argument("--snmp", type=int, default=None, help="SNMP devices (default: the lab's default)")
    parser.add_argument("--running", action="store_true", help="measure the running lab as it is")
    parser.add_argument("--limit", help="host pattern both playbooks are limited to")
    parser.add_argument("--classes", action="store_true", help="also the SNMP-only and network-only runs")
    parser.add_argument("--data", type=Path, default=DATA, help="markdown file the figures are appended to")
    parser.add_argument("--no-append", action="store_true", help="print only")
    parser.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    args = parser.parse_args(argv)
    if not args.sizes and not args.running:
        parser.error("give one or more sizes, or --running")

    from courtops.lab import lab
    from courtops.lab.config import LabConfig, LabConfigError
    from courtops.lab.lab import LabError

    cfg = LabConfig.from_env()
    network = lab.DEFAULT_NETWORK if args.network is None else args.network
    snmp = lab.DEFAULT_SNMP if args.snmp is None else args.snmp
    inventory = cfg.inventory_dir / "hosts.yml"
    rows: list[str] = []
    sizes: list[int | None] = [None] if args.running else list(args.sizes)
    with tempfile.TemporaryDirectory(prefix="courtops-scale-") as tmp:
        env = dict(
            os.environ,
            ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
            ANSIBLE_CALLBACKS_ENABLED="courtops_recorder",
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",  # the host count is read from PLAY RECAP
            COURTOPS_STORE=str(Path(tmp) / "store.sqlite3"),
        )
        for size in sizes:
            label = "running lab" if size is None else str(size)
            if size is not None:
                status = lab.status(cfg)
                if status["up"] and status["size"] != [size, network, snmp]:
                    lab.down(cfg)
                started = time.monotonic()
                try:
                    lab.up(cfg, size, network, snmp)
                except (LabError, LabConfigError) as exc:  # e.g. more hosts than a lab's subnet holds
                    print(f"lab {cfg.lab_id} cannot be brought to {size} Linux hosts: {exc}", file=sys.stderr)
                    rows.append(f"| {size} | lab up failed: {str(exc)[:100]} | | | | | | | | | |")
                    continue
                print(
                    f"lab {cfg.lab_id} up with {size} Linux, {network} network, {snmp} SNMP: {time.monotonic() - started:.0f} s",
                    flush=True,
                )
            for what, cmd in runs(inventory, args.limit, args.classes):
                if what.startswith("audit"):
                    cmd = [*cmd, "-e", f"dengbao_output_dir={tmp}/audit"]
                fig = measure(what, cmd, env, Path(tmp) / "run.log")
                rows.append(fig.row(label))
                print(rows[-1], flush=True)
        if not args.running and not args.keep:
            lab.down(cfg)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"### {now}, commit {commit()}, lab {cfg.lab_id} ({os.cpu_count()} CPUs"
        f"{', limit ' + args.limit if args.limit else ''})\n\n{HEADER}\n" + "\n".join(rows)
    )
    print(text)
    if not args.no_append:
        append(args.data, text)
        print(f"appended to {args.data}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
