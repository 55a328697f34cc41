"""Progress of a running job, driven by ansible-runner's events.

On a terminal: one line redrawn in place (hosts done of total, the current task, failures so far).
Otherwise (a timer's journal, a pipe): one plain line per task and per failed or unreachable host,
so that the log reads as a record.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

_RESULT_EVENTS = {
    "runner_on_ok": "ok",
    "runner_on_skipped": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
}


@dataclass
class Progress:
    total: int  # hosts the job's limit resolves to (0 when not known)
    out: TextIO = field(default_factory=lambda: sys.stderr)
    tty: bool | None = None
    task: str = ""
    tasks: int = 0
    task_hosts: set[str] = field(default_factory=set)  # hosts with a result for the current task
    hosts_seen: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    unreachable: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.tty is None:
            self.tty = bool(getattr(self.out, "isatty", lambda: False)())

    def line(self) -> str:
        total = max(self.total, len(self.hosts_seen))
        return (
            f"[任务 {self.tasks}] {self.task[:60]} | 主机 {len(self.task_hosts)}/{total}"
            f" | 失败 {len(self.failed)} 不可达 {len(self.unreachable)}"
        )

    def handle(self, event: dict[str, Any]) -> bool:
        """ansible-runner's event_handler: update and show; True keeps the event in the artifacts."""
        kind = str(event.get("event", ""))
        data = event.get("event_data") or {}
        if kind == "playbook_on_task_start":
            self.tasks += 1
            self.task = str(data.get("task") or data.get("name") or "")
            self.task_hosts = set()
            if not self.tty:
                self._print(f"任务 {self.tasks}: {self.task}")
        elif kind in _RESULT_EVENTS:
            host = str(data.get("host") or "")
            if data.get("ignore_errors") and kind == "runner_on_failed":
                kind = "runner_on_ok"
            self.task_hosts.add(host)
            self.hosts_seen.add(host)
            state = _RESULT_EVENTS[kind]
            if state == "failed" and host not in self.failed:
                self.failed.add(host)
                if not self.tty:
                    self._print(f"  失败 {host}: {self.task}")
            elif state == "unreachable" and host not in self.unreachable:
                self.unreachable.add(host)
                if not self.tty:
                    self._print(f"  不可达 {host}")
        elif kind == "playbook_on_stats" and not self.tty:
            self._print(self.line())
        if self.tty:
            self.out.write("\r\x1b[2K" + self.line())
            self.out.flush()
        return True

    def finish(self) -> None:
        if self.tty:
            self.out.write("\r\x1b[2K" + self.line() + "\n")
            self.out.flush()

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)
