"""Network readings for the inspection judge, by platform: each call goes to the parser of that
output in the platform's vendor module (courtops/vendors/). Without a platform (recorded readings
of unknown origin) every vendor's parser is asked and the first that understands the output answers.

Each returns ``None`` when the text is not what it expects, so the judge records 未检 instead of
guessing.
"""

from __future__ import annotations

from courtops import vendors


def cpu_pct(text: str, platform: str | None = None) -> float | None:
    """Five-minute (or current) CPU use in percent."""
    return vendors.parsers(platform).cpu_pct(text)


def memory_pct(text: str, platform: str | None = None) -> float | None:
    return vendors.parsers(platform).memory_pct(text)


def uptime_seconds(text: str, platform: str | None = None) -> float | None:
    """The chassis uptime from `display version` / `show version`."""
    return vendors.parsers(platform).uptime_seconds(text)


def interfaces(text: str, platform: str | None = None) -> list[dict[str, object]]:
    """Interfaces with admin state, operational state and error counters where shown (the judge's
    view of the vendor's interface table; the audit also reads its ``link`` column)."""
    rows = vendors.parsers(platform).interfaces(text) or []
    return [{"name": r["name"], "admin": r["admin"], "oper": r["oper"], "errors": r["errors"]} for r in rows]


def ntp_synchronized(text: str, platform: str | None = None) -> bool | None:
    return vendors.parsers(platform).ntp_synchronized(text)


def environment_problems(text: str, platform: str | None = None) -> list[str] | None:
    """Components whose state is not normal in `display device` / `show environment all`."""
    return vendors.parsers(platform).environment_problems(text)


def alarms(text: str, platform: str | None = None) -> list[str] | None:
    """Alarm lines (severity 0-3 log entries or active alarms); None when the output is a refusal."""
    return vendors.parsers(platform).alarms(text)
