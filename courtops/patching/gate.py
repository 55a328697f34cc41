"""Whether a host may be patched now: the controller-side pre-checks (calendar, window, backup).

The target-side pre-checks (reachability, free disk, a reboot already pending) run on the host in
the play; these need no host: the court calendar and the zone's maintenance windows (skipped, picked
up by the next run) and a recent configuration backup in the results store (the pre-check fails).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from courtops.court_time import fmt_minute
from courtops.patching.calendar import COURTROOM_PREFIX, CST, Session, Window, blocking, in_window


@dataclass(frozen=True)
class Policy:
    margin: dt.timedelta = dt.timedelta(minutes=60)  # no patch or reboot this long before a session
    duration: dt.timedelta = dt.timedelta(minutes=30)  # how long patching a host may take
    backup_max_age: dt.timedelta | None = dt.timedelta(days=7)  # None: the backup pre-check is off


@dataclass(frozen=True)
class Decision:
    go: bool
    result: str = ""  # "" (go) / skipped / failed
    reason: str = ""
    blocked_by: Session | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "go": self.go,
            "result": self.result,
            "reason": self.reason,
            "blocked_by": self.blocked_by.as_dict() if self.blocked_by else None,
        }


def courtrooms_of(groups: Sequence[str]) -> list[str]:
    return [g for g in groups if g.startswith(COURTROOM_PREFIX)]


def decide(
    groups: Sequence[str], zone: str, *, sessions: Sequence[Session], windows: Mapping[str, Sequence[Window]],
    backup_taken_at: float | None, now: dt.datetime, policy: Policy, check_backup: bool = True,
) -> Decision:  # fmt: skip
    """The first rule that stops the host, in the order an engineer would ask: hearing, window, backup."""
    session = blocking(sessions, courtrooms_of(groups), now, policy.margin, policy.duration)
    if session is not None:
        return Decision(False, "skipped", f"庭审排期：{session.describe()}，下次运行时补装", session)
    zone_windows = windows.get(zone, ())
    if not in_window(zone_windows, now):
        named = "；".join(w.describe() for w in zone_windows)
        return Decision(
            False, "skipped",
            f"不在{zone}区维护窗口内（窗口：{named}；现在 {now.astimezone(CST):%H:%M} 北京时间），下次运行时补装",
        )  # fmt: skip
    if check_backup and policy.backup_max_age is not None:
        if backup_taken_at is None:
            return Decision(False, "failed", "预检未通过：结果库中没有该主机的配置备份")
        age = now.timestamp() - backup_taken_at
        if age > policy.backup_max_age.total_seconds():
            return Decision(
                False, "failed",
                f"预检未通过：最近一次配置备份 {fmt_minute(backup_taken_at)}，超过 {policy.backup_max_age} 的要求",
            )  # fmt: skip
    return Decision(True)
