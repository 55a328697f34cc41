"""Approved exceptions (已批准例外) to 等保 controls, declared as data.

A justified deviation — e.g. a courtroom PC that must keep a service its recording client needs — is
declared per group or host in the variable ``dengbao_exceptions``: a list of
``{control_id, reason, approver, expires: YYYY-MM-DD}``. The hardening roles skip an excepted control
(filter ``courtops_active_exceptions``), and the audit shows it as 已批准例外 with reason, approver and
expiry — never as 符合. An expired exception is ignored (the control is hardened and judged as usual).

Validation is strict: a missing or empty field, an unknown key, a malformed control id or a date that
is not a real YYYY-MM-DD stops the run with a message naming the entry. Nothing is coerced.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from courtops.findings import Finding

#: the variable (group_vars / host_vars / -e) holding a host's exceptions
VARIABLE = "dengbao_exceptions"
#: the verdict an active exception gives an item the evidence does not show compliant
EXCEPTION_VERDICT = "已批准例外"
FIELDS = ("control_id", "reason", "approver", "expires")
_CONTROL_ID = re.compile(r"^L3-[A-Z]{3}\d-\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: verdicts an active exception replaces (符合 stays 符合: the evidence shows it; 不适用 stays)
REPLACED = frozenset({"不符合", "部分符合", "待人工"})


class ExceptionError(ValueError):
    """A ``dengbao_exceptions`` entry is malformed; the message names the entry."""


@dataclass(frozen=True)
class ControlException:
    control_id: str
    reason: str
    approver: str
    expires: dt.date

    def active(self, today: dt.date) -> bool:
        """Valid through its expiry day (inclusive)."""
        return today <= self.expires

    def text(self) -> str:
        return f"已批准例外：{self.reason}（批准人：{self.approver}；有效期至 {self.expires.isoformat()}）"


def _describe(index: int, entry: Any) -> str:
    cid = entry.get("control_id") if isinstance(entry, Mapping) else None
    return f"{VARIABLE}[{index}]" + (f" ({cid})" if isinstance(cid, str) and cid else "")


def parse(entries: Any, where: str = "") -> list[ControlException]:
    """The exceptions of one host, validated; raises ExceptionError naming every bad entry."""
    prefix = f"{where}: " if where else ""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ExceptionError(
            f"{prefix}{VARIABLE} must be a list of {{control_id, reason, approver, expires}}, "
            f"not {type(entries).__name__}"
        )
    out: list[ControlException] = []
    errors: list[str] = []
    for index, entry in enumerate(entries):
        name = _describe(index, entry)
        if not isinstance(entry, Mapping):
            errors.append(f"{name}: must be a mapping with {', '.join(FIELDS)}")
            continue
        problems = [f"missing or empty field {f!r}" for f in FIELDS if entry.get(f) in (None, "")]
        problems += [f"unknown field {k!r}" for k in entry if k not in FIELDS]
        cid = entry.get("control_id")
        if cid not in (None, "") and (not isinstance(cid, str) or not _CONTROL_ID.match(cid)):
            problems.append(f"control_id {cid!r} is not a unit code such as L3-CES1-02")
        for key in ("reason", "approver"):
            if entry.get(key) not in (None, "") and not isinstance(entry.get(key), str):
                problems.append(f"{key} must be text")
        expires = entry.get("expires")
        date: dt.date | None = None
        if isinstance(expires, dt.datetime):
            problems.append(f"expires {expires!s} must be a date YYYY-MM-DD, not a time")
        elif isinstance(expires, dt.date):  # YAML reads an unquoted 2027-01-31 as a date
            date = expires
        elif expires not in (None, ""):
            text = str(expires)
            try:
                if not _DATE.match(text):
                    raise ValueError
                date = dt.date.fromisoformat(text)
            except ValueError:
                problems.append(f"expires {expires!r} is not a date YYYY-MM-DD")
        if problems:
            errors.append(f"{name}: " + "; ".join(problems))
            continue
        assert date is not None
        out.append(
            ControlException(str(cid), str(entry["reason"]).strip(), str(entry["approver"]).strip(), date)
        )
    if errors:
        raise ExceptionError(prefix + "invalid " + VARIABLE + " — " + " | ".join(errors))
    return out


def active(entries: Any, today: dt.date | None = None, where: str = "") -> dict[str, ControlException]:
    """Active exceptions by control id (validated; expired ones left out). Two active entries for
    one control: the one that expires last wins."""
    day = today or dt.date.today()
    found: dict[str, ControlException] = {}
    for exc in parse(entries, where):
        if exc.active(day) and (exc.control_id not in found or exc.expires > found[exc.control_id].expires):
            found[exc.control_id] = exc
    return found


def apply(findings: list[Finding], exceptions: Mapping[str, ControlException]) -> list[Finding]:
    """The findings with every active exception shown: 不符合/部分符合/待人工 become 已批准例外 (the
    original verdict and record are kept in the record and evidence); 符合 stays 符合 with a note."""
    out = []
    for f in findings:
        exc = exceptions.get(f.control_id)
        if exc is None or f.verdict == "不适用":
            out.append(f)
            continue
        info = {
            "control_id": exc.control_id,
            "reason": exc.reason,
            "approver": exc.approver,
            "expires": exc.expires.isoformat(),
            "verdict_without_exception": f.verdict,
        }
        evidence = dict(f.evidence) | {"_exception": info}
        if f.verdict not in REPLACED:
            note = f"{f.record}（另有{exc.text()}；核查结果已符合，该例外可撤销）"
            out.append(replace(f, record=note, evidence=evidence))
            continue
        out.append(
            replace(
                f,
                verdict=EXCEPTION_VERDICT,
                record=f"{exc.text()}。原核查结果：{f.verdict}；{f.record}",
                reason=exc.text(),
                high_risk=False,
                evidence=evidence,
            )
        )
    return out
