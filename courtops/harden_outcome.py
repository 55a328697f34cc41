"""Closing the loop of a hardening run: the audit before vs the audit after, per host and item.

``outcome(before, after)`` takes the findings (Finding.export()-shaped dicts, as the evaluate action
returns them) of the two audits and says per host which items moved from 不符合/部分符合 to 符合
(fixed), which did not (not_fixed, with the failed sub-checks and the reason), which got worse, which
are 已批准例外, and which are 待人工 by nature (manual items: 访谈/文档, the catalogue says so) or
because evidence was missing. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

PROBLEM = frozenset({"不符合", "部分符合"})
MANUAL_PREFIX = "待人工核查："


@dataclass
class ItemMove:
    control_id: str
    title: str
    before: str
    after: str
    why: str = ""


@dataclass
class HostOutcome:
    host: str
    platform: str
    audited_after: bool = True
    score_before: float | None = None
    score_after: float | None = None
    fixed: list[ItemMove] = field(default_factory=list)
    not_fixed: list[ItemMove] = field(default_factory=list)
    worse: list[ItemMove] = field(default_factory=list)
    manual: list[ItemMove] = field(default_factory=list)
    unknown: list[ItemMove] = field(default_factory=list)
    excepted: list[ItemMove] = field(default_factory=list)


def _score(rows: Iterable[Mapping[str, Any]]) -> float | None:
    """符合 = 1, 部分符合 = 0.5, 不符合 = 0 over the scored items (weight as in the catalogue), × 100."""
    values = {"符合": 1.0, "部分符合": 0.5, "不符合": 0.0}
    total = weight = 0.0
    for r in rows:
        if r.get("verdict") in values:
            w = float(r.get("weight") or 1.0)
            total += values[r["verdict"]] * w
            weight += w
    return round(total / weight * 100, 1) if weight else None


def _why(row: Mapping[str, Any]) -> str:
    failed = row.get("failed_checks") or (row.get("evidence") or {}).get("_failed_checks") or []
    text = str(row.get("actual") or row.get("reason") or "")
    return (("未满足子项：" + "、".join(map(str, failed)) + "；") if failed else "") + text[:300]


def outcome(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> list[HostOutcome]:
    by_before = {(r["host"], r["control_id"]): r for r in before}
    after_rows = list(after)
    by_after = {(r["host"], r["control_id"]): r for r in after_rows}
    hosts = sorted({h for h, _ in by_before} | {h for h, _ in by_after})
    out = []
    for host in hosts:
        keys = sorted({c for h, c in by_before if h == host} | {c for h, c in by_after if h == host})
        rows_after = [by_after[(host, c)] for c in keys if (host, c) in by_after]
        rows_before = [by_before[(host, c)] for c in keys if (host, c) in by_before]
        any_row = (rows_after or rows_before)[0]
        ho = HostOutcome(
            host=host,
            platform=str(any_row.get("platform", "")),
            audited_after=bool(rows_after),
            score_before=_score(rows_before),
            score_after=_score(rows_after),
        )
        for cid in keys:
            b, a = by_before.get((host, cid)), by_after.get((host, cid))
            ref = a or b
            assert ref is not None
            vb = b["verdict"] if b else "—"
            va = a["verdict"] if a else "未复核"
            move = ItemMove(cid, str(ref.get("title", "")), vb, va)
            if va == "已批准例外":
                move.why = str(ref.get("reason", ""))
                ho.excepted.append(move)
            elif vb in PROBLEM and va == "符合":
                ho.fixed.append(move)
            elif va in PROBLEM:
                move.why = _why(a) if a else ""
                (ho.worse if vb in ("符合", "不适用") else ho.not_fixed).append(move)
            elif va == "待人工" and a is not None:
                move.why = str(a.get("reason", ""))
                nature = str(a.get("record", "")).startswith(MANUAL_PREFIX)
                (ho.manual if nature else ho.unknown).append(move)
            elif a is None and vb in PROBLEM:
                move.why = "加固后未能复核（主机失败、不可达或未加固）"
                ho.not_fixed.append(move)
        out.append(ho)
    return out


def as_dicts(outcomes: list[HostOutcome]) -> list[dict[str, Any]]:
    return [asdict(o) for o in outcomes]
