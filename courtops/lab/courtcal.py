"""The lab's court calendar (开庭排期): a hearing in progress in the lab courtroom, generated at lab up.

Written as iCalendar (what case-management systems export) with the icalendar library, to
``<state dir>/calendar/hearings.ics``; the lab's group_vars point ``patch_calendar_files`` at it, so
patching the lab leaves the courtroom's hosts alone while the hearing lasts (docs/patching.md).
The hearing started 30 minutes before lab up and lasts 4 hours; a later `lab up` writes a fresh one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from courtops.court_time import CST
from courtops.lab.config import LabConfig
from courtops.lab.plan import TRIBUNAL_COURTROOM

HEARING_CASE = "（2026）京0118民初1234号"
HEARING_TITLE = "买卖合同纠纷 开庭审理"


def calendar_path(cfg: LabConfig) -> Path:
    return cfg.state_dir / "calendar" / "hearings.ics"


def hearing_ics(now: dt.datetime, courtroom: str = TRIBUNAL_COURTROOM) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//courtops lab//开庭排期//ZH")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"lab-hearing-{int(now.timestamp())}@courtops.invalid")
    event.add("summary", f"{HEARING_CASE} {HEARING_TITLE}")
    event.add("location", courtroom.removeprefix("courtroom_"))
    event.add("dtstart", (now - dt.timedelta(minutes=30)).astimezone(dt.UTC).replace(microsecond=0))
    event.add("dtend", (now + dt.timedelta(hours=4)).astimezone(dt.UTC).replace(microsecond=0))
    event.add("dtstamp", now.astimezone(dt.UTC).replace(microsecond=0))
    cal.add_component(event)
    return bytes(cal.to_ical())


def write(cfg: LabConfig, now: dt.datetime | None = None) -> Path:
    path = calendar_path(cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hearing_ics(now or dt.datetime.now(CST)))
    return path
