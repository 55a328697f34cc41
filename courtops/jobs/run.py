"""Run one job through ansible-runner's Python API, behind its locks, and report the outcome.

Each job has a real private data dir, ``<jobs dir>/<job>/``:

- ``env/envvars`` (where the results store is, which job this is, our ansible.cfg and callback
  plugins, so the recorder is active inside runner), ``env/extravars``, ``env/settings``;
- ``project`` → the repository (the playbooks run from the checkout, as AWX runs a project);
- ``inventory`` → the job's inventory (its directory, so group_vars beside it are read);
- ``artifacts/<ident>/`` per run: runner's events, stdout, rc and status; rotated by count and age.

No secret is written there: passwords reach Ansible through its usual vault / environment, not
through env/ files. A PostgreSQL store's DSN goes into env/envvars without its password; the password
reaches the playbook through a password file in memory (courtops.jobs.pgpass), never an environment
variable, because runner writes the playbook's environment into artifacts/<ident>/command.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from courtops import REPO_ROOT
from courtops.jobs.context import JOB_ENV, JOB_IDENT_ENV
from courtops.jobs.locks import HostClaims, JobLock, LockRefused
from courtops.jobs.pgpass import PASSWORD_ENV, store_password_env
from courtops.jobs.progress import Progress
from courtops.jobs.spec import Job, JobsFile
from courtops.secrets import is_secret_field, mask_text
from courtops.store.dsn import split_password

REDACTED = "********"

JOBS_DIR_ENV = "COURTOPS_JOBS_DIR"


class Exit(IntEnum):
    """Exit status of `courtops job run`, for the scheduler (systemd, AWX, cron) to act on."""

    OK = 0  # every host ok
    FAILED_HOSTS = 10  # at least one host failed (or the playbook failed after it started)
    UNREACHABLE = 11  # no host failed, at least one was unreachable
    TIMEOUT = 12  # the job's timeout cancelled the run
    NOT_STARTED = 20  # could not start: playbook or inventory missing, no host, runner error
    LOCKED = (
        75  # refused: the job, or a host of a changing job, is held by another run (EX_TEMPFAIL: retry later)
    )


EXIT_TEXT = {
    Exit.OK: "成功",
    Exit.FAILED_HOSTS: "有主机失败",
    Exit.UNREACHABLE: "有主机不可达",
    Exit.TIMEOUT: "超时被取消",
    Exit.NOT_STARTED: "未能启动",
    Exit.LOCKED: "被锁拒绝",
}


def jobs_dir() -> Path:
    """Where private data dirs and locks live: $COURTOPS_JOBS_DIR, else .cache/jobs in the repository."""
    return Path(os.environ.get(JOBS_DIR_ENV) or REPO_ROOT / ".cache" / "jobs")


@dataclass
class Outcome:
    job: str
    ident: str
    exit: Exit
    message: str
    started_at: float
    ended_at: float
    artifacts: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    failed_hosts: list[str] = field(default_factory=list)
    unreachable_hosts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # stale locks released, etc.


def ansible_bin(name: str) -> str:
    """A tool of the same installation as this courtops (a timer's PATH may not hold the venv)."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def resolve_hosts(inventory: Path, limit: str, root: Path = REPO_ROOT) -> list[str]:
    """The host names a limit selects in an inventory (what a changing job must lock)."""
    cmd = [ansible_bin("ansible"), "-i", str(inventory), "all", "--list-hosts"]
    if limit:
        cmd += ["--limit", limit]
    env = {**os.environ, "ANSIBLE_CONFIG": str(root / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root, timeout=300, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"cannot resolve the hosts of {inventory} / {limit or 'all'}: {proc.stderr.strip()}"
        )
    lines = proc.stdout.splitlines()
    return [line.strip() for line in lines[1:] if line.strip()] if lines and "hosts (" in lines[0] else []


def written_store(store: Path | str) -> str:
    """The store as it may be written into a private data dir: a DSN without its password."""
    return split_password(store)[0] if isinstance(store, str) else str(store)


def prepare(
    job: Job,
    pdd: Path,
    *,
    inventory: Path,
    store: Path | str,
    ident: str,
    root: Path = REPO_ROOT,
) -> str | None:
    """Write the private data dir; the inventory argument for runner (None: pdd/inventory itself)."""
    (pdd / "env").mkdir(parents=True, exist_ok=True)
    envvars = {
        "ANSIBLE_CONFIG": str(root / "ansible.cfg"),
        # runner puts its own event callback first; ours must stay on the path for the recorder
        "ANSIBLE_CALLBACK_PLUGINS": str(root / "plugins" / "callback"),
        "ANSIBLE_NOCOLOR": "1",
        "COURTOPS_STORE": written_store(store),
        JOB_ENV: job.name,
        JOB_IDENT_ENV: ident,
    }
    # the playbook is run by this installation's ansible-playbook (a timer's PATH may lack the venv)
    envvars["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)))
    _write_json(pdd / "env" / "envvars", envvars)
    # extra vars on the command line as JSON, not as `-e @env/extravars`: the recorder reads the
    # run's scope (profile, target) from the command line and does not open @files
    stale = pdd / "env" / "extravars"
    if stale.exists():
        stale.unlink()
    cmdline = f"-e {shlex.quote(json.dumps(job.extra_vars, ensure_ascii=False))}" if job.extra_vars else ""
    (pdd / "env" / "cmdline").write_text(cmdline, encoding="utf-8")
    _write_json(pdd / "env" / "settings", {"suppress_ansible_output": True, "job_timeout": job.timeout})
    _link(pdd / "project", root)
    if inventory.is_dir():
        _link(pdd / "inventory", inventory)
        return None
    _link(pdd / "inventory", inventory.parent)  # its directory: group_vars / host_vars beside it are read
    return str(pdd / "inventory" / inventory.name)


def prepare_portable(
    job: Job, pdd: Path, *, inventory: Path, store: str, ident: str, root: Path = REPO_ROOT
) -> None:
    """A private data dir that stands on its own, for `ansible-runner transmit` to an execution node:
    the project is a copy of the repository's tracked files, the inventory a copy, and every path in
    env/envvars is relative to the project directory runner runs in (wherever the worker unpacks it).
    A PostgreSQL store goes without its password: the execution node has its own credential."""
    (pdd / "env").mkdir(parents=True, exist_ok=True)
    envvars = {
        "ANSIBLE_CONFIG": "ansible.cfg",
        "ANSIBLE_CALLBACK_PLUGINS": "plugins/callback",
        "ANSIBLE_NOCOLOR": "1",
        "COURTOPS_STORE": written_store(store),
        JOB_ENV: job.name,
        JOB_IDENT_ENV: ident,
    }
    _write_json(pdd / "env" / "envvars", envvars)
    cmdline = f"-e {shlex.quote(json.dumps(job.extra_vars, ensure_ascii=False))}" if job.extra_vars else ""
    (pdd / "env" / "cmdline").write_text(cmdline, encoding="utf-8")
    for rel in tracked_files(root):
        target = pdd / "project" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    dest = pdd / "inventory"
    if inventory.is_dir():
        shutil.copytree(inventory, dest, symlinks=False)
        return
    dest.mkdir()
    shutil.copy2(inventory, dest / inventory.name)
    for vars_dir in ("group_vars", "host_vars"):
        if (inventory.parent / vars_dir).is_dir():
            shutil.copytree(inventory.parent / vars_dir, dest / vars_dir, symlinks=False)


def tracked_files(root: Path = REPO_ROOT) -> list[str]:
    """The repository's files as git tracks them (what an AWX project sync checks out)."""
    proc = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"cannot list the project's files with git: {proc.stderr.strip()}")
    return [f for f in proc.stdout.split("\0") if f and (root / f).is_file()]


def transmit(
    job: Job, out: Any, *, inventory: str | None, limit: str | None, store: str, root: Path = REPO_ROOT
) -> str:
    """Write the job as ansible-runner's transmit stream (for `ansible-runner worker`); its ident."""
    import tempfile

    import ansible_runner

    ident = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    inv = Path(inventory) if inventory else job.inventory_path(root)
    if not job.playbook_path(root).is_file():
        raise FileNotFoundError(f"playbook missing: {job.playbook_path(root)}")
    with tempfile.TemporaryDirectory(prefix=f"courtops-{job.name}-") as tmp:
        pdd = Path(tmp)
        prepare_portable(job, pdd, inventory=inv.resolve(), store=store, ident=ident, root=root)
        ansible_runner.run(
            private_data_dir=str(pdd),
            playbook=job.playbook,
            ident=ident,
            limit=(job.limit if limit is None else limit) or None,
            timeout=job.timeout,
            streamer="transmit",
            _output=out,
        )
    return ident


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.symlink_to(target.resolve(), target_is_directory=target.is_dir())


def rotate_by_age(artifacts: Path, keep_days: int, now: float | None = None) -> list[Path]:
    """Remove artifact directories older than keep_days (runner's rotate_artifacts keeps the count)."""
    cutoff = (now or time.time()) - keep_days * 86400
    removed = []
    for entry in sorted(artifacts.iterdir()) if artifacts.is_dir() else ():
        if entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _classify(status: str, rc: int, stats: dict[str, Any] | None) -> tuple[Exit, list[str], list[str]]:
    stats = stats or {}
    failed = sorted(h for h, n in (stats.get("failures") or {}).items() if n)
    dark = sorted(h for h, n in (stats.get("dark") or {}).items() if n)
    if status == "timeout":
        return Exit.TIMEOUT, failed, dark
    if failed:
        return Exit.FAILED_HOSTS, failed, dark
    if dark:
        return Exit.UNREACHABLE, failed, dark
    if status == "successful" and rc == 0:
        return Exit.OK, failed, dark
    if not stats:  # the playbook never ran a play: syntax error, broken inventory, no such file
        return Exit.NOT_STARTED, failed, dark
    return Exit.FAILED_HOSTS, failed, dark  # e.g. the recorder lost results (74)


def run_job(
    jobs: JobsFile,
    job: Job,
    *,
    inventory: str | None = None,
    limit: str | None = None,
    store: Path | str,
    root: Path = REPO_ROOT,
    state: Path | None = None,
    progress_out: Any = None,
    on_locked: Callable[[], None] | None = None,
) -> Outcome:
    """Run the job now (under its lock; a changing job also claims its hosts) and say how it ended."""
    import ansible_runner  # imported here: `job list` and `job install` do not need it

    state = state or jobs_dir()
    started = time.time()
    ident = time.strftime("%Y%m%dT%H%M%S", time.localtime(started)) + "-" + uuid.uuid4().hex[:6]
    inv = Path(inventory) if inventory else job.inventory_path(root)
    if not inv.is_absolute():
        inv = Path.cwd() / inv
    limit = job.limit if limit is None else limit

    def outcome(code: Exit, message: str, **kw: Any) -> Outcome:
        return Outcome(job.name, ident, code, message, started, time.time(), **kw)

    playbook = job.playbook_path(root)
    if not playbook.is_file():
        return outcome(Exit.NOT_STARTED, f"剧本不存在 / playbook missing: {playbook}")
    if not inv.exists():
        return outcome(Exit.NOT_STARTED, f"清单不存在 / inventory missing: {inv}")
    lock = JobLock(state / "locks", job.name)
    try:
        lock.acquire()
    except LockRefused as exc:
        return outcome(Exit.LOCKED, str(exc))
    notes = []
    if lock.stale is not None:
        notes.append(f"已释放失效的锁：持有者 {lock.stale.describe()} 已不在运行")
    claims, claim = HostClaims(state / "locks"), None
    try:
        hosts: list[str] = []
        try:
            hosts = resolve_hosts(inv, limit, root)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            return outcome(Exit.NOT_STARTED, str(exc), notes=notes)
        if job.changes_targets:
            if not hosts:
                return outcome(Exit.NOT_STARTED, f"变更作业的范围没有主机：{limit or 'all'}", notes=notes)
            try:
                claim = claims.claim(job.name, hosts)
            except LockRefused as exc:
                return outcome(Exit.LOCKED, str(exc), notes=notes)
            notes += [f"已释放失效的主机锁：{h.describe()}" for h in claims.released]
        pdd = state / job.name
        inv_arg = prepare(job, pdd, inventory=inv, store=store, ident=ident, root=root)
        rotate_by_age(pdd / "artifacts", jobs.keep_days)
        progress = Progress(len(hosts), out=progress_out or sys.stderr)
        # the notifiers' credentials stay in this process: the playbook does not need them, and
        # runner writes the environment it starts ansible-playbook with into artifacts/<ident>/command;
        # the store's password reaches the playbook as a password file in memory, PGPASSWORD too
        withheld: dict[str, str] = {}
        try:
            with store_password_env(store) as credential:
                names = [*notifier_secret_names(jobs), PASSWORD_ENV]
                withheld = {n: os.environ.pop(n) for n in names if n in os.environ}
                runner = ansible_runner.run(
                    private_data_dir=str(pdd),
                    playbook=job.playbook,
                    ident=ident,
                    inventory=inv_arg,
                    limit=limit or None,
                    rotate_artifacts=jobs.keep,
                    timeout=job.timeout,
                    event_handler=progress.handle,
                    quiet=True,
                    envvars=credential,  # in memory: runner does not write this into env/envvars
                )
        except Exception as exc:  # runner could not set up or start the process
            return outcome(Exit.NOT_STARTED, f"ansible-runner 未能启动：{mask_text(str(exc))}", notes=notes)
        finally:
            os.environ.update(withheld)
        progress.finish()
        scrub_command_file(Path(runner.config.artifact_dir))
        code, failed, dark = _classify(str(runner.status), int(runner.rc or 0), runner.stats)
        message = f"{EXIT_TEXT[code]}（runner {runner.status}，rc {runner.rc}）"
        if code is Exit.NOT_STARTED:
            tail = _stdout_tail(Path(runner.config.artifact_dir))
            message += f"：{mask_text(tail)}" if tail else ""
        return outcome(
            code,
            message,
            artifacts=Path(runner.config.artifact_dir),
            stats=dict(runner.stats or {}),
            failed_hosts=failed,
            unreachable_hosts=dark,
            notes=notes,
        )
    finally:
        if claim is not None:
            claims.release(claim)
        lock.release()


def notifier_secret_names(jobs: JobsFile) -> list[str]:
    """Environment variables that hold the notifiers' credentials."""
    names = [jobs.mail.password_env if jobs.mail else "", jobs.webhook.token_env if jobs.webhook else ""]
    return [n for n in names if n]


def scrub_command_file(artifact_dir: Path) -> None:
    """Runner keeps the environment of the run in artifacts/<ident>/command: mask every variable whose
    name is a secret's (``*_PASSWORD``, ``*_TOKEN`` ..., courtops.secrets.SECRET_FIELDS)."""
    path = artifact_dir / "command"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    env = data.get("env") if isinstance(data, dict) else None
    if not isinstance(env, dict):
        return
    for key in env:
        if is_secret_field(key):
            env[key] = REDACTED
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _stdout_tail(artifact_dir: Path, lines: int = 3) -> str:
    try:
        text = (artifact_dir / "stdout").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(kept[-lines:])
