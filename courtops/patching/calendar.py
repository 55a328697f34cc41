"""The court calendar (开庭排期) and the patch blackout it imposes on courtroom hosts.

A hearing schedule comes as CSV with Chinese headers (法庭,开始时间,结束时间,案号,案由) or as
iCalendar (.ics, what case-management calendars export; LOCATION names the courtroom). Times without
a zone are the court's own (CST, courtops.court_time). A courtroom host (a member of `courtroom_<id>`)
is never patched or rebooted during a session or within `margin` before one: `blocking` names the
session that blocks it. Every problem of a file is an error naming the file and line — a calendar
that cannot be read never means "no hearings".

Maintenance windows (维护窗口) are per zone: weekdays and a time range in CST; a zone with no window
configured has no restriction from this rule (the calendar still applies).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events

from courtops.court_time import CST

COURTROOM_PREFIX = "courtroom_"
#: CSV columns: Chinese header → field (English headers accepted too)
CSV_COLUMNS = {
    "法庭": "courtroom", "courtroom": "courtroom",
    "开始时间": "start", "start": "start",
    "结束时间": "end", "end": "end",
    "案号": "case", "case": "case",
    "案由": "title", "title": "title",
}  # fmt: skip
CSV_REQUIRED = ("courtroom", "start", "end")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
#: how far ahead recurring sessions are expanded (a run never lasts longer)
HORIZON = dt.timedelta(days=2)


class CalendarError(ValueError):
    """A calendar file that cannot be trusted: the message names the file and line."""


@dataclass(frozen=True)
class Session:
    courtroom: str  # the group, e.g. courtroom_bx01
    start: dt.datetime  # aware
    end: dt.datetime
    case: str = ""
    title: str = ""
    source: str = ""  # file:line

    def describe(self) -> str:
        what = " ".join(x for x in (self.case, self.title) if x) or "庭审"
        return (
            f"{self.courtroom} {what} {self.start.astimezone(CST):%Y-%m-%d %H:%M}–"
            f"{self.end.astimezone(CST):%H:%M}（{self.source}）"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "courtroom": self.courtroom, "start": self.start.timestamp(), "end": self.end.timestamp(),
            "case": self.case, "title": self.title, "source": self.source, "text": self.describe(),
        }  # fmt: skip


def courtroom_group(raw: str, known: Iterable[str], names: dict[str, str] | None = None) -> str | None:
    """`bx01`, `courtroom_bx01` or a name mapped in `names` → the group, if the inventory has it."""
    value = (names or {}).get(raw.strip(), raw.strip())
    group = value if value.startswith(COURTROOM_PREFIX) else COURTROOM_PREFIX + value
    return group if group in set(known) else None


def _parse_time(text: str) -> dt.datetime:
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=CST)
        except ValueError:
            continue
    raise ValueError(f"时间 {text!r} 无法识别（应为 YYYY-MM-DD HH:MM，北京时间）")


def _check(session: Session) -> Session:
    if session.end <= session.start:
        raise CalendarError(f"{session.source}: 结束时间不晚于开始时间 ({session.describe()})")
    return session


def load_csv(path: Path, known: Sequence[str], names: dict[str, str] | None = None) -> list[Session]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{path}: cannot read the calendar: {exc}") from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise CalendarError(f"{path}:1: empty calendar file (no header row)")
    header = [CSV_COLUMNS.get(h.strip(), "") for h in rows[0]]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise CalendarError(
            f"{path}:1: header lacks {', '.join(missing)} (法庭,开始时间,结束时间[,案号,案由])"
        )
    sessions = []
    for lineno, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(rows[0]):
            raise CalendarError(f"{path}:{lineno}: {len(row)} columns, the header has {len(rows[0])}")
        rec = {header[i]: cell for i, cell in enumerate(row) if header[i]}
        where = f"{path}:{lineno}"
        group = courtroom_group(rec["courtroom"], known, names)
        if group is None:
            raise CalendarError(
                f"{where}: unknown courtroom {rec['courtroom']!r} (no group {COURTROOM_PREFIX}…)"
            )
        try:
            start, end = _parse_time(rec["start"]), _parse_time(rec["end"])
        except ValueError as exc:
            raise CalendarError(f"{where}: {exc}") from exc
        sessions.append(
            _check(
                Session(group, start, end, rec.get("case", "").strip(), rec.get("title", "").strip(), where)
            )
        )
    return sessions


def _line_of(text: str, needle: str) -> int:
    for lineno, line in enumerate(text.splitlines(), 1):
        if needle and needle in line:
            return lineno
    return 0


def _aware(value: Any, where: str, prop: str = "DTSTART/DTEND") -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=CST)
    if isinstance(value, dt.date):
        raise CalendarError(f"{where}: a hearing needs a start and end time, not an all-day date ({value})")
    raise CalendarError(f"{where}: bad {prop} {value!r} (not a date and time)")


def load_ics(
    path: Path, known: Sequence[str], names: dict[str, str] | None = None, *, now: dt.datetime | None = None
) -> list[Session]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{path}: cannot read the calendar: {exc}") from exc
    try:
        cal = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        raise CalendarError(f"{path}: not a valid iCalendar file: {exc}") from exc
    # every VEVENT is checked, not only those in the horizon: a broken entry is an error today
    for event in cal.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        where = f"{path}:{_line_of(text, uid) or _line_of(text, 'BEGIN:VEVENT')}"
        try:
            start = event.decoded("DTSTART")
            end = event.decoded("DTEND") if "DTEND" in event else None
        except (KeyError, ValueError) as exc:
            raise CalendarError(f"{where}: event {uid!r} has a bad DTSTART/DTEND: {exc}") from exc
        if end is None:
            raise CalendarError(f"{where}: event {uid!r} has no DTEND (a hearing has an end time)")
        location = str(event.get("LOCATION", ""))
        group = courtroom_group(location, known, names)
        if group is None:
            raise CalendarError(f"{where}: event {uid!r}: unknown courtroom {location!r} in LOCATION")
        _check(Session(group, _aware(start, where, "DTSTART"), _aware(end, where, "DTEND"), source=where))
    now = now or dt.datetime.now(CST)
    sessions = []
    try:
        occurrences = recurring_ical_events.of(cal).between(now - HORIZON, now + HORIZON)
    except ValueError as exc:
        raise CalendarError(f"{path}: cannot expand recurring events: {exc}") from exc
    for event in occurrences:
        uid = str(event.get("UID", ""))
        where = f"{path}:{_line_of(text, uid)}"
        group = courtroom_group(str(event.get("LOCATION", "")), known, names) or ""
        summary = str(event.get("SUMMARY", ""))
        case = m.group(0) if (m := re.search(r"[（(]\d{4}[)）][^\s]*?号", summary)) else ""
        start, end = _aware(event.decoded("DTSTART"), where), _aware(event.decoded("DTEND"), where)
        sessions.append(Session(group, start, end, case, summary.replace(case, "").strip(), where))
    return sessions


def load(
    paths: Sequence[str | Path], known: Sequence[str], names: dict[str, str] | None = None,
    *, now: dt.datetime | None = None,
) -> list[Session]:  # fmt: skip
    """Every session of every file; the first bad file or line raises CalendarError."""
    sessions: list[Session] = []
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() == ".ics":
            sessions += load_ics(path, known, names, now=now)
        elif path.suffix.lower() == ".csv":
            sessions += load_csv(path, known, names)
        else:
            raise CalendarError(f"{path}: a calendar is .csv or .ics, not {path.suffix or 'no suffix'}")
    return sessions


def blocking(
    sessions: Iterable[Session], courtrooms: Iterable[str], now: dt.datetime, margin: dt.timedelta,
    duration: dt.timedelta = dt.timedelta(0),
) -> Session | None:  # fmt: skip
    """The session that forbids touching a host of these courtrooms from `now` for `duration`:
    one in progress, or one starting before now + duration + margin. The earliest such, or None."""
    rooms = set(courtrooms)
    hits = [
        s for s in sessions
        if s.courtroom in rooms and s.end > now and s.start < now + duration + margin
    ]  # fmt: skip
    return min(hits, key=lambda s: s.start) if hits else None


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # ISO weekdays 1..7
    start: dt.time
    end: dt.time  # end <= start: the window runs past midnight

    def contains(self, when: dt.datetime) -> bool:
        local = when.astimezone(CST)
        t = local.time()
        if self.start < self.end:
            return local.isoweekday() in self.days and self.start <= t < self.end
        # past midnight: the part after midnight belongs to the previous day's window
        if t >= self.start:
            return local.isoweekday() in self.days
        return t < self.end and (local - dt.timedelta(days=1)).isoweekday() in self.days

    def describe(self) -> str:
        """As the court reads it: 周一至周五 12:00–13:30 (北京时间), 次日 for one past midnight."""
        days = sorted(self.days)
        if days == list(range(1, 8)):
            shown = "每天"
        elif len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            shown = f"{WEEKDAYS[days[0]]}至{WEEKDAYS[days[-1]]}"
        else:
            shown = "、".join(WEEKDAYS[d] for d in days)
        overnight = "次日" if self.end <= self.start else ""
        return f"{shown} {self.start:%H:%M}–{overnight}{self.end:%H:%M}"


WEEKDAYS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


def parse_windows(raw: Any, where: str) -> list[Window]:
    """`[{days: [1,2,3,4,5], start: "12:00", end: "13:30"}, …]` (CST) → windows; errors name `where`."""
    if not isinstance(raw, list):
        raise CalendarError(f"{where}: maintenance windows are a list of {{days, start, end}}, not {raw!r}")
    windows = []
    for i, item in enumerate(raw):
        if (
            not isinstance(item, dict)
            or set(item) - {"days", "start", "end"}
            or not {"start", "end"} <= set(item)
        ):
            raise CalendarError(f"{where}[{i}]: a window is {{days: [1..7], start: 'HH:MM', end: 'HH:MM'}}")
        days = item.get("days", [1, 2, 3, 4, 5, 6, 7])
        if not isinstance(days, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
            raise CalendarError(f"{where}[{i}]: days are ISO weekdays 1 (Monday) .. 7 (Sunday), not {days!r}")
        try:
            start = dt.datetime.strptime(str(item["start"]), "%H:%M").time()
            end = dt.datetime.strptime(str(item["end"]), "%H:%M").time()
        except ValueError as exc:
            raise CalendarError(f"{where}[{i}]: {exc}") from exc
        windows.append(Window(frozenset(days), start, end))
    return windows


def in_window(windows: Sequence[Window], when: dt.datetime) -> bool:
    """No window configured: no restriction. Otherwise `when` must fall inside one."""
    return not windows or any(w.contains(when) for w in windows)
