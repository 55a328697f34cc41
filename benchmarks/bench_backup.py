"""Benchmark: configuration backup of the running lab's network devices — courtops (playbooks/backup.yml)
and RANCID side by side, each on a first run and an unchanged rerun: wall time and commits / diffs made.

    COURTOPS_LAB_ID=1 courtops lab up --network 50
    COURTOPS_LAB_ID=1 .venv/bin/python benchmarks/bench_backup.py [--no-rancid]

RANCID (Debian package `rancid`, requirements/apt.txt) backs up the lab's Cisco IOS devices (its `cisco`
type; it has no Comware type and its VRP type is "alpha"), as root with the lab's pinned host keys, into
its own git repository under a temporary BASEDIR; courtops backs up every network device. Prints figures
only (docs/backup.md keeps them), asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
RANCID_BIN = Path("/usr/lib/rancid/bin")


def _run(
    args: list[str], env: dict[str, str], cwd: Path = REPO
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    return time.perf_counter() - start, proc


def _commits(repo: Path) -> int:
    out = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def _lab_devices(inventory: Path) -> dict[str, dict[str, str]]:
    out = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(inventory), "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    hostvars = data["_meta"]["hostvars"]
    return {h: hostvars[h] for h in data.get("network_cli", {}).get("hosts", [])}


def bench_courtops(inventory: Path, work: Path, target: str) -> dict[str, float | int]:
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        COURTOPS_STORE=str(work / "courtops.sqlite3"),
        COURTOPS_BACKUP_REPO=str(work / "backups"),
    )
    cmd = [
        str(BIN / "ansible-playbook"),
        "-i",
        str(inventory),
        str(REPO / "playbooks" / "backup.yml"),
        "-e",
        f"target={target}",
    ]
    first, proc = _run(cmd, env)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit("courtops backup failed")
    after_first = _commits(work / "backups")
    again, proc = _run(cmd, env)
    if proc.returncode != 0:
        raise SystemExit("courtops backup rerun failed")
    return {
        "first_s": first,
        "rerun_s": again,
        "first_commits": after_first - 1,  # minus the repository's own first commit
        "rerun_commits": _commits(work / "backups") - after_first,
    }


RANCID_CONF = """\
TERM=network; export TERM
umask 027
TMPDIR={base}/tmp; export TMPDIR
BASEDIR={base}; export BASEDIR
PATH={bin}:/usr/bin:/usr/sbin:/bin:/sbin; export PATH
CVSROOT=$BASEDIR/CVS; export CVSROOT
LOGDIR=$BASEDIR/logs; export LOGDIR
RCSSYS=git; export RCSSYS
LIST_OF_GROUPS="lab"
MAILHEADERS=""; export MAILHEADERS
SENDMAIL="/bin/true"
PAR_COUNT=5; export PAR_COUNT
"""


def bench_rancid(devices: dict[str, dict[str, str]], work: Path) -> dict[str, float | int] | None:
    if not (RANCID_BIN / "rancid-run").exists():
        print("RANCID is not installed (apt-get install rancid): skipped", file=sys.stderr)
        return None
    ios = {h: v for h, v in devices.items() if v.get("asset_platform") == "ios"}
    base = work / "rancid"
    (base / "tmp").mkdir(parents=True)
    (base / "logs").mkdir()
    conf = base / "rancid.conf"
    conf.write_text(RANCID_CONF.format(base=base, bin=RANCID_BIN), encoding="utf-8")
    cloginrc = base / ".cloginrc"
    lines = []
    for v in ios.values():
        lines += [f"add user {v['ansible_host']} {v['ansible_user']}",
                  f"add password {v['ansible_host']} {{{v['ansible_password']}}} {{{v['ansible_password']}}}",
                  f"add method {v['ansible_host']} ssh", f"add autoenable {v['ansible_host']} 1"]  # fmt: skip
    cloginrc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cloginrc.chmod(0o600)
    env = dict(os.environ, CLOGINRC=str(cloginrc), HOME=str(Path.home()))
    _, proc = _run([str(RANCID_BIN / "rancid-cvs"), "-f", str(conf)], env, cwd=base)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        return None
    router_db = base / "lab" / "router.db"
    router_db.write_text("".join(f"{v['ansible_host']};cisco;up\n" for v in ios.values()), encoding="utf-8")
    repo = base / "lab"
    start_commits = _commits(repo)
    first, proc = _run([str(RANCID_BIN / "rancid-run"), "-f", str(conf)], env, cwd=base)
    after_first = _commits(repo)
    configs = sorted(
        p.name
        for p in (repo / "configs").glob("*")
        if p.is_file() and not p.name.startswith(".") and p.stat().st_size
    )
    again, _ = _run([str(RANCID_BIN / "rancid-run"), "-f", str(conf)], env, cwd=base)
    log_tail = "".join(
        p.read_text(errors="replace")[-1500:] for p in sorted((base / "logs").glob("lab.*"))[-1:]
    )
    if len(configs) < len(ios):
        print(
            f"RANCID stored {len(configs)} of {len(ios)} configurations; last log:\n{log_tail}",
            file=sys.stderr,
        )
    return {
        "devices": len(ios),
        "stored": len(configs),
        "first_s": first,
        "rerun_s": again,
        "first_commits": after_first - start_commits,
        "rerun_commits": _commits(repo) - after_first,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-rancid", action="store_true")
    parser.add_argument(
        "--target", default="all", help="courtops' pattern (ios: the devices RANCID backs up)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from courtops.lab.config import LabConfig

    cfg = LabConfig.from_env()
    inventory = cfg.inventory_dir / "hosts.yml"
    devices = _lab_devices(inventory)
    work = Path(tempfile.mkdtemp(prefix="courtops-bench-backup-"))
    try:
        load = os.getloadavg()[0]
        ours = bench_courtops(inventory, work, args.target)
        print(
            f"lab {cfg.lab_id}: {len(devices)} network devices (incl. spares), load {load:.1f} on {os.cpu_count()} cores"
        )
        print(
            f"courtops (-e target={args.target}): first run {ours['first_s']:.1f} s, {ours['first_commits']} commit(s); "
            f"unchanged rerun {ours['rerun_s']:.1f} s, {ours['rerun_commits']} commit(s)"
        )
        if not args.no_rancid:
            theirs = bench_rancid(devices, work)
            if theirs:
                print(
                    f"RANCID ({theirs['devices']} IOS devices, {theirs['stored']} stored): first run {theirs['first_s']:.1f} s, "
                    f"{theirs['first_commits']} commit(s); unchanged rerun {theirs['rerun_s']:.1f} s, "
                    f"{theirs['rerun_commits']} commit(s)"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
