"""The 符合 share per host class before and after a hardening run, from the two audit exports.

The share is 符合 items / items the audit judged (符合, 部分符合, 不符合) — 待人工, 不适用 and 已批准例外
are not judged and take no part, as in the report's score. The class of a host comes from the
inventory (``asset_class``, as `ansible-inventory --list` gives it); a host without one counts under
its platform. ``compare`` gives one row per class and the overall row (合计) last: what the CLI
(`courtops harden scores`), the 加固结果 page and the 差距分析 of a hardening run show. Pure: the callers
read the files or the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

JUDGED = frozenset({"符合", "部分符合", "不符合"})


@dataclass(frozen=True)
class Share:
    hosts: int
    compliant: int
    judged: int

    @property
    def percent(self) -> float | None:
        return round(self.compliant / self.judged * 100, 1) if self.judged else None

    def text(self) -> str:
        p = self.percent
        return f"{'—' if p is None else f'{p:.1f}%'} ({self.compliant}/{self.judged})"


def host_classes(inventory: Mapping[str, Any]) -> dict[str, str]:
    """host → asset_class from `ansible-inventory --list` JSON (its _meta.hostvars)."""
    hostvars = inventory.get("_meta", {}).get("hostvars", {})
    return {
        h: str(v["asset_class"]) for h, v in hostvars.items() if isinstance(v, dict) and v.get("asset_class")
    }


def shares(findings: Iterable[Mapping[str, Any]], classes: Mapping[str, str]) -> dict[str, Share]:
    hosts: dict[str, set[str]] = {}
    compliant: dict[str, int] = {}
    judged: dict[str, int] = {}
    for f in findings:
        host = str(f["host"])
        cls = classes.get(host) or str(f.get("platform") or "?")
        hosts.setdefault(cls, set()).add(host)
        if f.get("verdict") in JUDGED:
            judged[cls] = judged.get(cls, 0) + 1
            compliant[cls] = compliant.get(cls, 0) + (f["verdict"] == "符合")
    return {c: Share(len(hosts[c]), compliant.get(c, 0), judged.get(c, 0)) for c in sorted(hosts)}


#: the label of the overall row
OVERALL = "合计"
EMPTY = Share(0, 0, 0)


def total(by_class: Mapping[str, Share]) -> Share:
    """Every class together (a host is in one class only: the hosts add up)."""
    return Share(
        sum(s.hosts for s in by_class.values()),
        sum(s.compliant for s in by_class.values()),
        sum(s.judged for s in by_class.values()),
    )


@dataclass(frozen=True)
class ScoreRow:
    cls: str  # the class id, or OVERALL for the last row
    before: Share
    after: Share

    @property
    def hosts(self) -> int:
        return max(self.before.hosts, self.after.hosts)


def compare(before: Mapping[str, Share], after: Mapping[str, Share]) -> list[ScoreRow]:
    """One row per class (a class missing on one side has an empty share there), then 合计."""
    rows = [ScoreRow(c, before.get(c, EMPTY), after.get(c, EMPTY)) for c in sorted(set(before) | set(after))]
    return [*rows, ScoreRow(OVERALL, total(before), total(after))]


def table(before: Mapping[str, Share], after: Mapping[str, Share]) -> list[str]:
    """One line per class and the overall line: hosts, the share before → after. A class missing on one
    side shows —."""
    lines = ["等保符合率（符合项 / 已判定项），加固前 → 加固后："]
    for row in compare(before, after):
        lines.append(f"  {row.cls:<12} {row.hosts:>3} 台  {row.before.text()} → {row.after.text()}")
    return lines
