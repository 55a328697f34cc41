"""Times and durations as the engineer types them: Beijing wall-clock times, durations such as 1h30m."""

from __future__ import annotations

import datetime as dt
import re

from courtops.court_time import CST

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


def parse_time(text: str) -> float:
    """'2026-11-30 09:30' (北京时间) → seconds since the epoch; ValueError says what is expected."""
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=CST).timestamp()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a time such as '2026-11-30 09:30' (北京时间)")


def parse_duration(text: str) -> float:
    """'45m', '1h30m', '90s', '2h' or '1:30' (h:mm) → seconds."""
    value = text.strip().lower()
    if m := re.fullmatch(r"(\d+):([0-5]\d)(?::([0-5]\d))?", value):
        return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0)
    m = _DURATION.fullmatch(value)
    if not value or m is None or not any(m.groups()):
        raise ValueError(f"{text!r} is not a duration such as 45m, 1h30m, 90s or 1:30")
    hours, minutes, seconds = (int(g or 0) for g in m.groups())
    return hours * 3600 + minutes * 60 + seconds


def quarter_span(text: str) -> tuple[str, float, float]:
    """'2026Q4' → ('2026年第4季度', start, end) in Beijing time."""
    m = _QUARTER.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a quarter such as 2026Q4")
    year, quarter = int(m[1]), int(m[2])
    start = dt.datetime(year, 3 * quarter - 2, 1, tzinfo=CST)
    end = dt.datetime(year + (quarter == 4), (3 * quarter) % 12 + 1, 1, tzinfo=CST)
    return f"{year}年第{quarter}季度", start.timestamp(), end.timestamp()
