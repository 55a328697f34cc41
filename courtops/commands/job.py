"""`courtops job list | run NAME | status | history NAME | install | uninstall`: the scheduled jobs (定时作业)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from courtops.cli import UserError
from courtops.jobs.spec import JOBS_FILE, JobsFile, JobsFileError, load_jobs
from courtops.report.render import fmt_time
from courtops.store import STORE_ENV, Store, StoreError, default_path, exists, location
from courtops.store.dsn import split_password
from courtops.store.liveness import effective_status, mark_interrupted


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("job", help="定时作业 / scheduled jobs: list, run, status, history, install timers")
    p.add_argument("--file", type=Path, default=JOBS_FILE, help="jobs file (default: %(default)s)")
    jsub = p.add_subparsers(dest="job_command", metavar="ACTION", required=True)

    jsub.add_parser("list", help="the jobs, their schedule and whether they can run").set_defaults(func=_list)

    run = jsub.add_parser("run", help="run a job now through ansible-runner (exit codes: docs/jobs.md)")
    run.add_argument("name")
    run.add_argument("-i", "--inventory", help="another inventory than the job's")
    run.add_argument("-l", "--limit", help="another limit than the job's")
    run.add_argument("--store", help=f"results store (default: ${STORE_ENV}, else .cache/courtops.sqlite3)")
    run.add_argument("--no-notify", action="store_true", help="do not send notifications for this run")
    run.set_defaults(func=_run)

    transmit = jsub.add_parser(
        "transmit",
        help="write the job as an ansible-runner transmit stream (| ansible-runner worker | process)",
    )
    transmit.add_argument("name")
    transmit.add_argument("-i", "--inventory", help="another inventory than the job's")
    transmit.add_argument("-l", "--limit", help="another limit than the job's")
    transmit.add_argument("--store", help="the results store as the execution node sees it")
    transmit.set_defaults(func=_transmit)

    status = jsub.add_parser("status", help="running jobs, held host locks, and each job's last run")
    status.add_argument("--store", help="results store")
    status.set_defaults(func=_status)

    history = jsub.add_parser("history", help="the recorded runs of a job, newest first")
    history.add_argument("name")
    history.add_argument("--store", help="results store")
    history.add_argument("--limit", type=int, default=20)
    history.set_defaults(func=_history)

    install = jsub.add_parser("install", help="write systemd .service + .timer units for the enabled jobs")
    install.add_argument("--dest", type=Path, help="unit directory (default: /etc/systemd/system)")
    install.add_argument(
        "--exec", dest="exec_path", help="the courtops command the units run (default: this one)"
    )
    install.add_argument("--workdir", type=Path, help="the repository the units run in (default: this one)")
    install.add_argument("--accuracy", default="1min", help="timer AccuracySec (default: %(default)s)")
    install.add_argument("--user", default="", help="run the jobs as this user (default: root)")
    install.add_argument(
        "--enable", action="store_true", help="then systemctl daemon-reload and enable --now the timers"
    )
    install.set_defaults(func=_install)

    uninstall = jsub.add_parser("uninstall", help="remove the units `job install` wrote")
    uninstall.add_argument("--dest", type=Path, help="unit directory (default: /etc/systemd/system)")
    uninstall.add_argument("--disable", action="store_true", help="first systemctl disable --now the timers")
    uninstall.set_defaults(func=_uninstall)


def _load(args: argparse.Namespace) -> JobsFile:
    try:
        return load_jobs(args.file)
    except JobsFileError as exc:
        raise UserError(str(exc)) from exc


def _list(args: argparse.Namespace) -> int:
    jobs = _load(args)
    print(f"{'job':20} {'enabled':7} {'changes':7} {'schedule':28} {'playbook':26} state")
    for job in jobs.jobs.values():
        exists = job.playbook_path().is_file()
        state = ("可运行" if job.enabled else "已停用") if exists else "缺少剧本 / playbook missing"
        print(
            f"{job.name:20} {'yes' if job.enabled else 'no':7} {'yes' if job.changes_targets else 'no':7}"
            f" {job.schedule:28} {job.playbook:26} {state}"
        )
    return 0


def _store_path(args: argparse.Namespace) -> Path | str:
    """The store's file, or its ``postgresql://`` DSN."""
    return location(args.store) if getattr(args, "store", None) else default_path()


def _run(args: argparse.Namespace) -> int:
    from courtops.jobs.history import incidents_opened_by, runs_of_ident
    from courtops.jobs.notify import notify
    from courtops.jobs.run import Exit, run_job

    jobs = _load(args)
    try:
        job = jobs.get(args.name)
    except JobsFileError as exc:
        raise UserError(str(exc)) from exc
    store = _store_path(args)
    print(f"courtops: 作业 {job.name} 开始（{job.playbook}）", file=sys.stderr, flush=True)
    outcome = run_job(jobs, job, inventory=args.inventory, limit=args.limit, store=store)
    for note in outcome.notes:
        print(f"courtops: {note}", file=sys.stderr)
    incidents = []
    runs = []
    if outcome.exit is Exit.TIMEOUT and exists(store):
        # runner killed ansible-playbook: its run is left `running`; record it as interrupted now
        try:
            with Store(store) as db:
                mark_interrupted(db)
        except StoreError as exc:
            print(f"courtops: warning: cannot mark the cancelled run: {exc}", file=sys.stderr)
    if exists(store) and outcome.exit is not Exit.LOCKED:
        try:
            with Store(store, readonly=True) as db:
                runs = runs_of_ident(db, outcome.ident)
                incidents = incidents_opened_by(db, [r.id for r in runs])
        except StoreError as exc:
            print(f"courtops: warning: cannot read the results store: {exc}", file=sys.stderr)
    recorded = ", ".join(f"#{r.id}" for r in runs) or "无 / none"
    print(
        f"courtops: 作业 {job.name} {outcome.message}；退出码 {int(outcome.exit)}；"
        f"结果库中的运行 {recorded}；新增故障 {len(incidents)} 条"
        + (f"；记录目录 {outcome.artifacts}" if outcome.artifacts else ""),
        file=sys.stderr,
    )
    if not args.no_notify and outcome.exit is not Exit.LOCKED:
        for warning in notify(jobs, job, outcome, incidents):
            print(f"courtops: warning: {warning}", file=sys.stderr)
    return int(outcome.exit)


def _transmit(args: argparse.Namespace) -> int:
    from courtops.jobs.run import transmit

    jobs = _load(args)
    try:
        job = jobs.get(args.name)
    except JobsFileError as exc:
        raise UserError(str(exc)) from exc
    if sys.stdout.isatty():
        raise UserError("the transmit stream is binary: pipe it into `ansible-runner worker`")
    store = str(_store_path(args))
    try:
        ident = transmit(job, sys.stdout.buffer, inventory=args.inventory, limit=args.limit, store=store)
    except (FileNotFoundError, RuntimeError) as exc:
        raise UserError(str(exc)) from exc
    sys.stdout.flush()
    if split_password(store)[1]:
        print(
            "courtops: 结果库密码未随作业发送：执行节点使用自己的凭据（~/.pgpass 或 PGPASSFILE）"
            " / the store's password is not sent: the execution node supplies its own",
            file=sys.stderr,
        )
    print(f"courtops: 作业 {job.name} 已发送（ident {ident}）", file=sys.stderr)
    return 0


def _status(args: argparse.Namespace) -> int:
    from courtops.jobs.history import job_runs
    from courtops.jobs.locks import HostClaims, JobLock
    from courtops.jobs.run import jobs_dir

    jobs = _load(args)
    locks = jobs_dir() / "locks"
    store = _store_path(args)
    db = Store(store, readonly=True) if exists(store) else None
    try:
        print(f"{'job':20} {'now':10} last run")
        for job in jobs.jobs.values():
            # read who holds the lock, without taking it (a probe could refuse a real run meanwhile)
            holder = JobLock(locks, job.name).holder()
            now = "running" if holder is not None and holder.alive() else "idle"
            last = "—"
            if db is not None:
                found = job_runs(db, job.name, limit=1)
                if found:
                    r = found[0]
                    last = f"#{r.id} {effective_status(r)} {fmt_time(r.started_at)}"
            print(f"{job.name:20} {now:10} {last}")
        held = HostClaims(locks).held() if locks.exists() else []
        for holder, hosts in held:
            print(f"host lock: {holder.describe()}: {len(hosts)} hosts")
    finally:
        if db is not None:
            db.close()
    return 0


def _history(args: argparse.Namespace) -> int:
    from courtops.jobs.history import job_runs

    jobs = _load(args)
    try:
        jobs.get(args.name)
    except JobsFileError as exc:
        raise UserError(str(exc)) from exc
    store = _store_path(args)
    try:
        db = Store(store, readonly=True)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    with db:
        print(f"{'id':>5}  {'status':11} {'started (CST)':19}  {'duration':>8}  ident")
        for r in job_runs(db, args.name, limit=args.limit):
            took = f"{(r.ended_at - r.started_at):.0f} s" if r.ended_at else "—"
            print(
                f"{r.id:>5}  {effective_status(r):11} {fmt_time(r.started_at)}  {took:>8}  {r.extra.get('job_ident', '')}"
            )
    return 0


def _systemctl(*args: str) -> None:
    proc = subprocess.run(["systemctl", *args], capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise UserError(f"systemctl {' '.join(args)}: {proc.stderr.strip()}")


def _install(args: argparse.Namespace) -> int:
    from courtops import REPO_ROOT
    from courtops.jobs.units import DEFAULT_DEST, UnitSettings, default_exec, install, ours

    jobs = _load(args)
    dest = args.dest or DEFAULT_DEST
    settings = UnitSettings(
        exec_path=args.exec_path or default_exec(),
        workdir=(args.workdir or REPO_ROOT).resolve(),
        jobs_file=args.file.resolve(),
        accuracy=args.accuracy,
        user=args.user,
    )
    before = {p.name for p in ours(dest)} if dest.is_dir() else set()
    written = install(jobs, dest, settings)
    for path in written:
        print(path)
    gone = sorted(before - {p.name for p in written})
    for name in gone:
        print(f"removed {dest / name}")
    if args.enable:
        _systemctl("daemon-reload")
        timers = [p.name for p in written if p.suffix == ".timer"]
        if timers:
            _systemctl("enable", "--now", *timers)
    print(f"courtops: {len(written) // 2} 个作业的定时器已写入 {dest}", file=sys.stderr)
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from courtops.jobs.units import DEFAULT_DEST, ours, uninstall

    dest = args.dest or DEFAULT_DEST
    if args.disable:
        timers = [p.name for p in ours(dest) if p.suffix == ".timer"]
        if timers:
            _systemctl("disable", "--now", *timers)
    for path in uninstall(dest):
        print(f"removed {path}")
    if args.disable:
        _systemctl("daemon-reload")
    return 0
