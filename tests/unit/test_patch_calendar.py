"""The court calendar blackout (issue 13): hearing schedules from CSV and iCalendar, margins,
maintenance windows, and the controller-side pre-checks. Times are the court's (CST, UTC+8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from courtops.court_time import CST
from courtops.lab.courtcal import hearing_ics
from courtops.patching import calendar, gate

ROOMS = ["courtroom_bx01", "courtroom_a101"]
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday, 09:00 in Beijing


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_chinese_headers_reads_sessions_in_court_time(tmp_path):
    path = write(
        tmp_path, "排期.csv",
        "法庭,开始时间,结束时间,案号,案由\nbx01,2026-03-02 09:30,2026-03-02 11:00,（2026）京0118民初1号,借款合同纠纷\n",
    )  # fmt: skip
    [s] = calendar.load([path], ROOMS)
    assert s.courtroom == "courtroom_bx01"
    assert s.start == dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 09:30 CST is 01:30 UTC
    assert s.case == "（2026）京0118民初1号" and s.title == "借款合同纠纷"
    assert s.source == f"{path}:2"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("bx99,2026-03-02 09:30,2026-03-02 11:00", "unknown courtroom 'bx99'"),
        ("bx01,2026-02-30 09:30,2026-03-02 11:00", "无法识别"),
        ("bx01,明天上午,2026-03-02 11:00", "无法识别"),
        ("bx01,2026-03-02 11:00,2026-03-02 09:30", "结束时间不晚于开始时间"),
        ("bx01,2026-03-02 09:30", "2 columns"),
    ],
)
def test_a_malformed_csv_line_is_an_error_naming_file_and_line(tmp_path, row, expected):
    path = write(
        tmp_path, "h.csv", "法庭,开始时间,结束时间\nbx01,2026-03-02 08:00,2026-03-02 08:30\n" + row + "\n"
    )
    with pytest.raises(calendar.CalendarError) as exc:
        calendar.load([path], ROOMS)
    assert f"{path}:3" in str(exc.value) and expected in str(exc.value)


def test_a_csv_without_the_needed_columns_is_refused(tmp_path):
    path = write(tmp_path, "h.csv", "法庭,时间\nbx01,2026-03-02 09:30\n")
    with pytest.raises(calendar.CalendarError, match=r"h\.csv:1: header lacks start, end"):
        calendar.load([path], ROOMS)


def test_an_unknown_calendar_format_is_refused(tmp_path):
    with pytest.raises(calendar.CalendarError, match=r"csv or \.ics"):
        calendar.load([write(tmp_path, "h.txt", "")], ROOMS)


def test_the_lab_calendar_round_trips_through_icalendar(tmp_path):
    path = tmp_path / "lab.ics"
    path.write_bytes(hearing_ics(NOW))
    [s] = calendar.load([path], ROOMS, now=NOW)
    assert s.courtroom == "courtroom_bx01" and s.case == "（2026）京0118民初1234号"
    assert s.start == NOW - dt.timedelta(minutes=30) and s.end == NOW + dt.timedelta(hours=4)


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:weekly@test
SUMMARY:（2026）京0118刑初7号 庭审
LOCATION:{location}
DTSTART;TZID=Asia/Shanghai:{start}
DTEND;TZID=Asia/Shanghai:{end}
RRULE:FREQ=WEEKLY;BYDAY=MO
END:VEVENT
END:VCALENDAR
"""


def test_a_recurring_ics_hearing_is_expanded_to_today(tmp_path):
    path = write(
        tmp_path, "h.ics", ICS.format(location="bx01", start="20260105T100000", end="20260105T120000")
    )
    sessions = calendar.load([path], ROOMS, now=NOW)
    today = [s for s in sessions if s.start.astimezone(CST).date() == NOW.date()]
    assert len(today) == 1 and today[0].start.astimezone(CST).hour == 10
    assert today[0].source == f"{path}:5"


@pytest.mark.parametrize(
    ("location", "start", "end", "expected"),
    [
        ("bx77", "20260105T100000", "20260105T120000", "unknown courtroom 'bx77'"),
        ("bx01", "20260105T120000", "20260105T100000", "结束时间不晚于开始时间"),
        ("bx01", "20261305T120000", "20260105T100000", "bad DTSTART"),
    ],
)
def test_a_malformed_ics_event_is_an_error_naming_file_and_line(tmp_path, location, start, end, expected):
    path = write(tmp_path, "h.ics", ICS.format(location=location, start=start, end=end))
    with pytest.raises(calendar.CalendarError) as exc:
        calendar.load([path], ROOMS, now=NOW)
    assert str(path) in str(exc.value) and expected in str(exc.value)
    assert f"{path}:5" in str(exc.value)  # the event's line (its UID)


def test_courtroom_names_map_to_courtroom_groups(tmp_path):
    path = write(
        tmp_path, "h.csv", "法庭,开始时间,结束时间\n北乡第一法庭,2026-03-02 09:30,2026-03-02 11:00\n"
    )
    [s] = calendar.load([path], ROOMS, {"北乡第一法庭": "bx01"})
    assert s.courtroom == "courtroom_bx01"


def session(start_h: float, end_h: float, room: str = "courtroom_bx01") -> calendar.Session:
    day = dt.datetime(2026, 3, 2, tzinfo=CST)
    return calendar.Session(
        room, day + dt.timedelta(hours=start_h), day + dt.timedelta(hours=end_h), source="t:2"
    )


@pytest.mark.parametrize(
    ("sessions", "blocked"),
    [
        ([session(8.5, 10)], True),  # in progress at 09:00
        ([session(9.75, 11)], True),  # starts 09:45: inside the 60 min margin
        ([session(10.25, 11)], False),  # starts 10:15: margin 60 + duration 0 is clear
        ([session(7, 9)], False),  # ended exactly at 09:00
        ([session(8.5, 10, "courtroom_a101")], False),  # another courtroom
    ],
)
def test_blocking_sessions_respect_the_margin(sessions, blocked):
    hit = calendar.blocking(sessions, ["courtroom_bx01"], NOW, dt.timedelta(minutes=60))
    assert (hit is not None) is blocked


def test_the_expected_duration_extends_the_blackout():
    later = [session(10.25, 11)]
    assert calendar.blocking(
        later, ["courtroom_bx01"], NOW, dt.timedelta(minutes=60), dt.timedelta(minutes=30)
    )


def test_maintenance_windows_in_court_time_including_past_midnight():
    [evening] = calendar.parse_windows([{"days": [1, 2, 3, 4, 5], "start": "22:00", "end": "06:00"}], "w")
    assert evening.contains(dt.datetime(2026, 3, 2, 23, 0, tzinfo=CST))  # Monday 23:00
    assert evening.contains(dt.datetime(2026, 3, 3, 5, 0, tzinfo=CST))  # Tuesday 05:00, Monday's window
    assert not evening.contains(dt.datetime(2026, 3, 2, 5, 0, tzinfo=CST))  # Monday 05:00: Sunday had none
    assert not evening.contains(NOW)
    # the same instant given in UTC is judged in court time
    assert evening.contains(dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC))
    assert calendar.in_window([], NOW)


@pytest.mark.parametrize(
    "raw",
    [
        {"start": "22:00"},
        [{"days": [0], "start": "22:00", "end": "06:00"}],
        [{"start": "25:00", "end": "06:00"}],
    ],
)
def test_bad_windows_are_refused(raw):
    with pytest.raises(calendar.CalendarError, match=r"patch_maintenance_windows\.intranet"):
        calendar.parse_windows(raw, "patch_maintenance_windows.intranet")


def decide(**kw):  # type: ignore[no-untyped-def]
    args = {
        "sessions": [], "windows": {}, "backup_taken_at": NOW.timestamp() - 3600, "now": NOW,
        "policy": gate.Policy(backup_max_age=dt.timedelta(days=7)),
    } | kw  # fmt: skip
    return gate.decide(["pcs", "courtroom", "courtroom_bx01"], "courtroom", **args)


def test_gate_skips_a_courtroom_host_in_session_and_names_the_session():
    d = decide(sessions=[session(8.5, 10)])
    assert not d.go and d.result == "skipped" and d.blocked_by is not None
    assert "courtroom_bx01" in d.reason and "08:30" in d.reason


def test_gate_fails_the_pre_check_without_a_recent_backup():
    assert decide(backup_taken_at=None).result == "failed"
    old = decide(backup_taken_at=NOW.timestamp() - 8 * 86400)
    assert old.result == "failed" and "配置备份" in old.reason
    assert decide().go
    assert decide(backup_taken_at=None, policy=gate.Policy(backup_max_age=None)).go  # explicitly off


def test_gate_skips_outside_the_zone_window():
    windows = {"courtroom": calendar.parse_windows([{"start": "12:00", "end": "13:00"}], "w")}
    d = decide(windows=windows)
    assert not d.go and d.result == "skipped" and "维护窗口" in d.reason
    assert "窗口：每天 12:00–13:00" in d.reason  # the window that kept the host untouched, named


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ({"days": [1, 2, 3, 4, 5], "start": "12:00", "end": "13:30"}, "周一至周五 12:00–13:30"),
        ({"days": [6, 7], "start": "22:00", "end": "06:00"}, "周六、周日 22:00–次日06:00"),
        ({"days": [1, 3, 5], "start": "02:00", "end": "04:00"}, "周一、周三、周五 02:00–04:00"),
    ],
)
def test_a_window_is_described_as_the_court_reads_it(raw, shown):
    [window] = calendar.parse_windows([raw], "w")
    assert window.describe() == shown
