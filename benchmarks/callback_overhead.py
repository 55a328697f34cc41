"""Recorder overhead, measured the way ARA measured its own (ara-infra blog, 2020-11-01).

Hosts made with add_host and ansible_connection=local, `debug` tasks, forks 50, at least 5,000
results. Three configurations in one run, interleaved and repeated: no recording callback, our
courtops_recorder, and ARA's own callback (ara_default, offline client on SQLite, its default)
when a throwaway venv with ARA is given. The same ansible-playbook runs all three.

    python benchmarks/callback_overhead.py --ara-venv /tmp/courtops-ara-venv

Prints figures; asserts nothing (not a test). ARA is never a project dependency: make the venv with
    python3 -m venv /tmp/courtops-ara-venv
    /tmp/courtops-ara-venv/bin/pip install ansible-core==2.19.14 'ara[server]'
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PLAYBOOK = """\
- name: Make the hosts
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Add local hosts
      ansible.builtin.add_host:
        name: "bench{{{{ item }}}}"
        groups: bench
        ansible_connection: local
        ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
      loop: "{{{{ range({hosts}) | list }}}}"
- name: Tasks on every host
  hosts: bench
  gather_facts: false
  tasks:
{tasks}
"""
TASK = """    - name: Task {n}
      ansible.builtin.debug:
        msg: "task {n} on {{{{ inventory_hostname }}}}"
"""
CONFIG = """\
[defaults]
forks = {forks}
callback_plugins = {plugins}
host_key_checking = False
retry_files_enabled = False
gathering = explicit
"""


def run(ansible_playbook: Path, playbook: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys of ansible-playbook and all its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [str(ansible_playbook), "-i", "localhost,", str(playbook)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--forks", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--ara-venv", type=Path, help="venv with ansible-core and ara[server] (optional)")
    args = parser.parse_args()

    bindir = args.ara_venv / "bin" if args.ara_venv else Path(sys.executable).parent
    ansible_playbook = bindir / "ansible-playbook"
    plugins = [str(REPO / "plugins" / "callback")]
    if args.ara_venv:
        ara_plugins = subprocess.run(
            [str(bindir / "python"), "-m", "ara.setup.callback_plugins"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        plugins.append(ara_plugins)

    with tempfile.TemporaryDirectory(prefix="courtops-bench-") as tmp:
        work = Path(tmp)
        tasks = "".join(TASK.format(n=n) for n in range(args.tasks))
        (work / "bench.yml").write_text(PLAYBOOK.format(hosts=args.hosts, tasks=tasks))
        (work / "warmup.yml").write_text(PLAYBOOK.format(hosts=2, tasks=TASK.format(n=0)))
        # Each configuration gets its own ansible.cfg: merely having ARA's callback directory in
        # callback_plugins (module imported, callback not enabled) slowed these runs about 5x here,
        # so "none" and "ours" must not see it.
        for name, dirs in (("plain", plugins[:1]), ("ara", plugins)):
            (work / f"{name}.cfg").write_text(CONFIG.format(forks=args.forks, plugins=":".join(dirs)))
        base = {
            **os.environ,
            "ANSIBLE_NOCOLOR": "1",
            "PYTHONPATH": str(REPO),  # the recorder imports courtops from this checkout
        }
        plain = base | {"ANSIBLE_CONFIG": str(work / "plain.cfg")}
        store = work / "courtops.sqlite3"
        configs = {
            "none": plain,
            "courtops_recorder": plain
            | {"ANSIBLE_CALLBACKS_ENABLED": "courtops_recorder", "COURTOPS_STORE": str(store)},
        }
        if args.ara_venv:
            configs["ara_default (sqlite)"] = base | {
                "ANSIBLE_CONFIG": str(work / "ara.cfg"),
                "ANSIBLE_CALLBACKS_ENABLED": "ara_default",
                "ARA_API_CLIENT": "offline",
                "ARA_BASE_DIR": str(work / "ara"),
            }
        expected = args.hosts * args.tasks + 1  # + the add_host loop (one result for all its items)
        print(f"ansible-playbook: {ansible_playbook}")
        print(f"{args.hosts} hosts x {args.tasks} tasks = {args.hosts * args.tasks} results (+ add_host), "
              f"forks {args.forks}, {args.repeat} runs each, interleaved; {os.cpu_count()} CPUs")  # fmt: skip
        # warm-up on a tiny playbook: ARA's database migrations, our store creation, disk caches
        for env in configs.values():
            run(ansible_playbook, work / "warmup.yml", env)
        times: dict[str, list[float]] = {name: [] for name in configs}
        cpu: dict[str, list[float]] = {name: [] for name in configs}
        for _ in range(args.repeat):
            for name, env in configs.items():
                wall, used = run(ansible_playbook, work / "bench.yml", env)
                times[name].append(wall)
                cpu[name].append(used)
                load = os.getloadavg()[0]
                print(f"  {name}: {wall:.1f} s wall, {used:.1f} s CPU (load average {load:.1f})", flush=True)
        none, none_cpu = statistics.median(times["none"]), statistics.median(cpu["none"])
        print(f"{'configuration':24} {'wall s':>7} {'vs none':>8} {'CPU s':>7} {'vs none':>8}")
        for name, ts in times.items():
            med, med_cpu = statistics.median(ts), statistics.median(cpu[name])
            print(
                f"{name:24} {med:7.1f} {(med / none - 1) * 100:+7.1f}% {med_cpu:7.1f}"
                f" {(med_cpu / none_cpu - 1) * 100:+7.1f}%"
            )
        db = sqlite3.connect(store)
        last = db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        recorded = db.execute("SELECT COUNT(*) FROM task_results WHERE run_id = ?", (last,)).fetchone()[0]
        print(f"courtops_recorder stored {recorded} results in its last run (expected {expected})")
        extra = json.loads(db.execute("SELECT extra FROM runs WHERE id = ?", (last,)).fetchone()[0])
        print(
            f"its own time in that run: {extra['recorder_callback_ms']:.0f} ms in the callback (main thread),"
            f" {extra['recorder_write_ms']:.0f} ms writing (background thread, wall)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
