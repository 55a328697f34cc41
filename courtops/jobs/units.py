"""systemd units for the enabled jobs: one ``.service`` (runs `courtops job run NAME`) and one
``.timer`` (its OnCalendar schedule) per job.

``Persistent=true``: a run missed while the controller was off happens at the next boot. The
service is ``Type=oneshot`` with a start timeout a little above the job's own timeout, so that runner's
timeout, not systemd's kill, ends an overlong run and the run is recorded as such.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from courtops import REPO_ROOT
from courtops.jobs.spec import JOBS_FILE, Job, JobsFile

MARKER = "# Written by `courtops job install`; removed by `courtops job uninstall`."
PREFIX = "courtops-job-"
DEFAULT_DEST = Path("/etc/systemd/system")
#: Optional file of VAR=value lines (COURTOPS_SMTP_PASSWORD ...), readable by root only.
ENV_FILE = "/etc/courtops/jobs.env"


@dataclass(frozen=True)
class UnitSettings:
    exec_path: str  # the courtops command the service runs
    workdir: Path = REPO_ROOT
    jobs_file: Path = JOBS_FILE
    accuracy: str = "1min"
    env_file: str = ENV_FILE
    user: str = ""  # run as this user (empty: root, as the lab and the store's controller need)


def default_exec() -> str:
    """The courtops console script of this installation."""
    return str(Path(sys.executable).parent / "courtops")


def _quote(arg: str) -> str:
    if not arg or any(c in arg for c in " \t\"'\\;$%"):
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
        return f'"{escaped}"'
    return arg


def unit_name(job: Job) -> str:
    return f"{PREFIX}{job.name}"


def exec_start(job: Job, settings: UnitSettings) -> str:
    args = [settings.exec_path, "job"]
    if settings.jobs_file.resolve() != JOBS_FILE.resolve():
        args += ["--file", str(settings.jobs_file)]
    args += ["run", job.name]
    return " ".join(_quote(a) for a in args)


def service_text(job: Job, settings: UnitSettings) -> str:
    title = job.description or job.name
    lines = [
        MARKER,
        "[Unit]",
        f"Description=courtops 定时作业 {job.name}（{title}）",
        f"Documentation=file://{settings.workdir / 'docs' / 'jobs.md'}",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"WorkingDirectory={settings.workdir}",
        f"EnvironmentFile=-{settings.env_file}",
        f"ExecStart={exec_start(job, settings)}",
        # runner cancels the run at the job's timeout; systemd only steps in if that fails
        f"TimeoutStartSec={job.timeout + 300}",
        "Nice=5",
    ]
    if settings.user:
        lines.append(f"User={settings.user}")
    return "\n".join(lines) + "\n"


def timer_text(job: Job, settings: UnitSettings) -> str:
    return "\n".join([
        MARKER,
        "[Unit]",
        f"Description=courtops 定时作业 {job.name} 的计划（{job.schedule}）",
        "",
        "[Timer]",
        f"OnCalendar={job.schedule}",
        "Persistent=true",
        f"AccuracySec={settings.accuracy}",
        f"Unit={unit_name(job)}.service",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ]) + "\n"  # fmt: skip


def install(jobs: JobsFile, dest: Path, settings: UnitSettings, root: Path = REPO_ROOT) -> list[Path]:
    """Write the units of the enabled jobs whose playbook exists; remove ours of jobs no longer enabled.

    Playbooks are looked up in this checkout (root); the units may name another working directory
    (settings.workdir), where the same repository is deployed on the controller that runs them."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    wanted = set()
    for job in jobs.jobs.values():
        if not job.enabled or not job.playbook_path(root).is_file():
            continue
        for suffix, text in (
            (".service", service_text(job, settings)),
            (".timer", timer_text(job, settings)),
        ):
            path = dest / f"{unit_name(job)}{suffix}"
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            written.append(path)
            wanted.add(path.name)
    for path in ours(dest):
        if path.name not in wanted:
            path.unlink()
    return written


def ours(dest: Path) -> list[Path]:
    """The unit files in dest that `job install` wrote (recognised by the marker, never by name alone)."""
    found = []
    for path in sorted(dest.glob(f"{PREFIX}*")):
        if path.suffix in (".service", ".timer") and path.is_file():
            try:
                first = path.read_text(encoding="utf-8").split("\n", 1)[0]
            except (OSError, UnicodeDecodeError):
                continue
            if first == MARKER:
                found.append(path)
    return found


def uninstall(dest: Path) -> list[Path]:
    removed = ours(dest)
    for path in removed:
        path.unlink()
    return removed
