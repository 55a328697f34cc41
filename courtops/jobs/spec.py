"""The jobs file (``jobs.yml`` at the repository root): what runs when, as data.

Every problem is reported with the file and line it comes from (the YAML node's mark), so a
mistyped key in a job the timer runs at 02:00 is caught when the engineer edits the file, not at night.
Schedules are systemd ``OnCalendar`` expressions, checked with ``systemd-analyze calendar`` (the
program that will interpret them), not with a re-implementation of its grammar.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from courtops import REPO_ROOT

JOBS_FILE = REPO_ROOT / "jobs.yml"
#: A job name becomes a systemd unit name and a directory name: keep it to these characters.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CHANNELS = ("mail", "webhook")


class JobsFileError(Exception):
    """The jobs file is malformed; the message holds every problem as ``file:line: text``."""


@dataclass(frozen=True)
class Job:
    name: str
    playbook: str  # repository-relative path
    enabled: bool
    schedule: str  # systemd OnCalendar
    description: str = ""
    inventory: str = "inventory/court"
    limit: str = ""
    extra_vars: dict[str, Any] = field(default_factory=dict)
    timeout: int = 3600  # seconds; the run is cancelled after it
    notify: tuple[str, ...] = ()  # channel names of the file's `notifications`
    changes_targets: bool = False  # patch / harden / restore: takes the host locks
    line: int = 0  # where the job is declared

    def path(self, relative: str, root: Path = REPO_ROOT) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else root / p

    def playbook_path(self, root: Path = REPO_ROOT) -> Path:
        return self.path(self.playbook, root)

    def inventory_path(self, root: Path = REPO_ROOT) -> Path:
        return self.path(self.inventory, root)


@dataclass(frozen=True)
class MailChannel:
    host: str
    to: tuple[str, ...]
    sender: str
    port: int = 25
    starttls: bool = False
    user: str = ""
    password_env: str = ""  # name of the environment variable holding the password (never the password)
    password_vault: str = (
        ""  # or: an ansible-vault encrypted file holding it (ANSIBLE_VAULT_PASSWORD_FILE opens it)
    )
    timeout: float = 20.0


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    token_env: str = ""  # environment variable holding a bearer token, sent as Authorization
    timeout: float = 10.0


@dataclass(frozen=True)
class JobsFile:
    path: Path
    jobs: dict[str, Job]
    mail: MailChannel | None = None
    webhook: WebhookChannel | None = None
    #: artifacts kept per job: at most `keep` directories, none older than `keep_days`
    keep: int = 20
    keep_days: int = 90

    def get(self, name: str) -> Job:
        if name not in self.jobs:
            known = ", ".join(sorted(self.jobs)) or "none"
            raise JobsFileError(f"{self.path}: no job {name!r} (jobs: {known})")
        return self.jobs[name]


_JOB_KEYS = {
    "description": str,
    "enabled": bool,
    "playbook": str,
    "inventory": str,
    "limit": str,
    "extra_vars": dict,
    "schedule": str,
    "timeout": int,
    "notify": list,
    "changes_targets": bool,
}
_REQUIRED = ("enabled", "playbook", "schedule")
_MAIL_KEYS = {
    "host": str,
    "port": int,
    "starttls": bool,
    "sender": str,
    "to": list,
    "user": str,
    "password_env": str,
    "password_vault": str,
    "timeout": (int, float),
}
_WEBHOOK_KEYS = {"url": str, "token_env": str, "timeout": (int, float)}
_TOP_KEYS = {"jobs", "notifications", "artifacts"}


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path, self.items = path, []  # type: ignore[var-annotated]

    def add(self, node: yaml.Node | None, text: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.items.append((line, f"{self.path}:{line}: {text}"))

    def raise_if_any(self) -> None:
        if self.items:
            raise JobsFileError("\n".join(t for _, t in sorted(self.items)))


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping node's entries by key: (key node, value node)."""
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): (k, v) for k, v in node.value}


def _typed(value: Any, want: type | tuple[type, ...]) -> bool:
    if (
        isinstance(value, bool)
        and want is not bool
        and bool not in (want if isinstance(want, tuple) else (want,))
    ):
        return False  # YAML `yes` is not a number or a string here
    return isinstance(value, want)


def _check_keys(
    problems: _Problems,
    node: yaml.Node,
    data: Any,
    spec: dict[str, Any],
    what: str,
) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        problems.add(node, f"{what} must be a mapping")
        return {}
    entries = _mapping(node)
    good = {}
    for key, value in data.items():
        knode, vnode = entries.get(str(key), (node, node))
        if key not in spec:
            problems.add(knode, f"{what}: unknown key {key!r} (known: {', '.join(sorted(spec))})")
        elif not _typed(value, spec[key]):
            want = spec[key]
            names = "/".join(t.__name__ for t in want) if isinstance(want, tuple) else want.__name__
            problems.add(vnode, f"{what}.{key}: expected {names}, got {type(value).__name__} {value!r}")
        else:
            good[key] = value
    return good


def calendar_problem(expression: str) -> str | None:
    """Why systemd would refuse this OnCalendar expression, or None when it accepts it."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return "systemd-analyze is not installed (Debian package systemd): cannot check the schedule"
    proc = subprocess.run(
        [tool, "calendar", "--", expression], capture_output=True, text=True, timeout=30, check=False
    )
    if proc.returncode == 0:
        return None
    return (proc.stderr.strip().splitlines() or ["refused by systemd-analyze calendar"])[-1]


def _line(problems: _Problems, node: yaml.Node) -> int:
    return node.start_mark.line + 1


def load_jobs(path: Path = JOBS_FILE, *, check_calendar: bool = True) -> JobsFile:
    """Read and check the jobs file; JobsFileError names every problem with its line."""
    problems = _Problems(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise JobsFileError(f"{path}: cannot read the jobs file: {exc.strerror or exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise JobsFileError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None or not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise JobsFileError(f"{path}:1: the jobs file must be a mapping with a `jobs` key")
    top = _mapping(root)
    for key in data:
        if key not in _TOP_KEYS:
            problems.add(
                top[str(key)][0], f"unknown top-level key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})"
            )
    if "jobs" not in data:
        problems.add(root, "no `jobs` mapping")
        problems.raise_if_any()
    channels = _notifications(problems, top, data)
    keep, keep_days = _artifacts(problems, top, data)
    jobs_node, jobs = top["jobs"][1], data["jobs"]
    if not isinstance(jobs_node, yaml.MappingNode) or not isinstance(jobs, dict):
        problems.add(jobs_node, "`jobs` must be a mapping of job name to job")
        problems.raise_if_any()
    found: dict[str, Job] = {}
    entries = _mapping(jobs_node)
    for name, body in jobs.items():
        knode, vnode = entries[str(name)]
        job = _job(problems, str(name), knode, vnode, body, channels, check_calendar)
        if job is not None:
            found[job.name] = job
    problems.raise_if_any()
    return JobsFile(path, found, channels.get("mail"), channels.get("webhook"), keep, keep_days)  # type: ignore[arg-type]


def _job(
    problems: _Problems,
    name: str,
    knode: yaml.Node,
    vnode: yaml.Node,
    body: Any,
    channels: dict[str, Any],
    check_calendar: bool,
) -> Job | None:
    if not NAME_RE.match(name):
        problems.add(
            knode, f"job name {name!r}: lower-case letters, digits, - and _ only (it names a systemd unit)"
        )
        return None
    before = len(problems.items)
    good = _check_keys(problems, vnode, body, _JOB_KEYS, f"job {name}")
    if not isinstance(body, dict):
        return None
    entries = _mapping(vnode)
    for key in _REQUIRED:
        if key not in body:
            problems.add(vnode, f"job {name}: `{key}` is required (jobs are enabled or disabled explicitly)")
    if "schedule" in good and check_calendar:
        reason = calendar_problem(good["schedule"])
        if reason:
            problems.add(entries["schedule"][1], f"job {name}.schedule {good['schedule']!r}: {reason}")
    if "timeout" in good and good["timeout"] <= 0:
        problems.add(entries["timeout"][1], f"job {name}.timeout: must be a positive number of seconds")
    notify = good.get("notify", [])
    for channel in notify:
        if channel not in CHANNELS:
            problems.add(
                entries["notify"][1], f"job {name}.notify: unknown channel {channel!r} ({'/'.join(CHANNELS)})"
            )
        elif channel not in channels:
            problems.add(
                entries["notify"][1], f"job {name}.notify: {channel} is not configured under notifications"
            )
    for key in ("playbook", "inventory"):
        if key in good and not good[key].strip():
            problems.add(entries[key][1], f"job {name}.{key}: must not be empty")
    if len(problems.items) > before:
        return None
    return Job(
        name=name,
        playbook=good["playbook"],
        enabled=good["enabled"],
        schedule=good["schedule"],
        description=good.get("description", ""),
        inventory=good.get("inventory", "inventory/court"),
        limit=good.get("limit", ""),
        extra_vars=dict(good.get("extra_vars", {})),
        timeout=int(good.get("timeout", 3600)),
        notify=tuple(str(c) for c in notify),
        changes_targets=good.get("changes_targets", False),
        line=_line(problems, knode),
    )


def _notifications(
    problems: _Problems, top: dict[str, tuple[yaml.Node, yaml.Node]], data: dict[str, Any]
) -> dict[str, Any]:
    if "notifications" not in data or data["notifications"] is None:
        return {}
    node = top["notifications"][1]
    spec = {"mail": dict, "webhook": dict}
    good = _check_keys(problems, node, data["notifications"], spec, "notifications")
    entries = _mapping(node) if isinstance(node, yaml.MappingNode) else {}
    found: dict[str, Any] = {}
    if "mail" in good:
        mnode = entries["mail"][1]
        mail = _check_keys(problems, mnode, good["mail"], _MAIL_KEYS, "notifications.mail")
        missing = [k for k in ("host", "sender", "to") if k not in good["mail"]]
        if missing:
            problems.add(mnode, f"notifications.mail: {', '.join(missing)} required")
        elif mail.keys() == good["mail"].keys():
            found["mail"] = MailChannel(
                host=mail["host"],
                to=tuple(str(t) for t in mail["to"]),
                sender=mail["sender"],
                port=mail.get("port", 25),
                starttls=mail.get("starttls", False),
                user=mail.get("user", ""),
                password_env=mail.get("password_env", ""),
                password_vault=mail.get("password_vault", ""),
                timeout=float(mail.get("timeout", 20.0)),
            )
    if "webhook" in good:
        wnode = entries["webhook"][1]
        hook = _check_keys(problems, wnode, good["webhook"], _WEBHOOK_KEYS, "notifications.webhook")
        if "url" not in good["webhook"]:
            problems.add(wnode, "notifications.webhook: url required")
        elif hook.keys() == good["webhook"].keys():
            if not hook["url"].startswith(("http://", "https://")):
                problems.add(entries["webhook"][1], "notifications.webhook.url: must be an http(s) URL")
            else:
                found["webhook"] = WebhookChannel(
                    url=hook["url"],
                    token_env=hook.get("token_env", ""),
                    timeout=float(hook.get("timeout", 10.0)),
                )
    return found


def _artifacts(
    problems: _Problems, top: dict[str, tuple[yaml.Node, yaml.Node]], data: dict[str, Any]
) -> tuple[int, int]:
    if "artifacts" not in data:
        return 20, 90
    node = top["artifacts"][1]
    good = _check_keys(problems, node, data["artifacts"], {"keep": int, "keep_days": int}, "artifacts")
    for key, value in good.items():
        if value < 1:
            problems.add(node, f"artifacts.{key}: must be at least 1")
    return int(good.get("keep", 20)), int(good.get("keep_days", 90))
