"""Filter plugins for approved exceptions (已批准例外, courtops/exceptions.py).

``{{ dengbao_exceptions | courtops_active_exceptions }}`` → the control ids with an active (validated,
unexpired) exception today; every hardening role skips those controls::

    when: "'L3-CES1-02' not in (dengbao_exceptions | default([]) | courtops_active_exceptions)"

A malformed entry (missing field, unknown key, bad control id, a date that is not YYYY-MM-DD) fails
the task with a message naming the entry. ``today`` (YYYY-MM-DD) is for tests and previews.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ansible.errors import AnsibleFilterError

from courtops import exceptions as exceptions_mod


def courtops_active_exceptions(entries: Any, today: str | None = None) -> list[str]:
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError as exc:
        raise AnsibleFilterError(f"courtops_active_exceptions: today={today!r} is not YYYY-MM-DD") from exc
    try:
        return sorted(exceptions_mod.active(entries, day))
    except exceptions_mod.ExceptionError as exc:
        raise AnsibleFilterError(str(exc)) from exc


def courtops_exception_details(entries: Any, today: str | None = None) -> dict[str, dict[str, str]]:
    """Active exceptions by control id with reason / approver / expires (for messages and reports)."""
    day = dt.date.fromisoformat(today) if today else None
    try:
        found = exceptions_mod.active(entries, day)
    except exceptions_mod.ExceptionError as exc:
        raise AnsibleFilterError(str(exc)) from exc
    return {
        cid: {"reason": e.reason, "approver": e.approver, "expires": e.expires.isoformat()}
        for cid, e in found.items()
    }


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "courtops_active_exceptions": courtops_active_exceptions,
            "courtops_exception_details": courtops_exception_details,
        }
