"""The one time zone courtops shows: China Standard Time (UTC+8, Asia/Shanghai, no daylight saving).

Times are stored as seconds since the epoch; every command and report shows them in the court's own
time whatever the controller's TZ is (a scheduled job on a UTC host, an engineer's laptop), so the
incident log, the run list and the reports agree. A fixed offset, not the tz database: Asia/Shanghai
has been UTC+8 without DST since 1991 and the control node may lack tzdata.
"""

from __future__ import annotations

import datetime as dt

CST = dt.timezone(dt.timedelta(hours=8), "CST")
#: How reports and docs name it.
ZONE_NAME = "北京时间（UTC+8，Asia/Shanghai）"


def court_datetime(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, CST)


def fmt_time(ts: float | None) -> str:
    """Seconds since the epoch as the court's wall-clock time, e.g. 2026-03-01 09:30:00."""
    if ts is None:
        return "—"
    return court_datetime(ts).strftime("%Y-%m-%d %H:%M:%S")


def fmt_minute(ts: float | None) -> str:
    return "—" if ts is None else court_datetime(ts).strftime("%Y-%m-%d %H:%M")


def fmt_day(ts: float) -> str:
    return court_datetime(ts).strftime("%Y-%m-%d")
