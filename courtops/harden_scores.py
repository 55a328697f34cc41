"""The 符合 share per host class before and after a hardening run, from the two audit exports.

The share is 符合 items / items the audit judged (符合, 部分符合, 不符合) — 待人工, 不适用 and 已批准例外
are not judged and take no part, as in the report's score. The class of a host comes from the
inventory (``asset_class``, as `ansible-inventory --list` gives it); a host without one counts under
its platform. Pure: the CLI (`courtops harden scores`) reads the files.
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


def table(before: Mapping[str, Share], after: Mapping[str, Share]) -> list[str]:
    """One line per class: hosts, the share before → after. A class missing on one side shows —."""
    empty = Share(0, 0, 0)
    lines = ["等保符合率（符合项 / 已判定项），加固前 → 加固后："]
    for cls in sorted(set(before) | set(after)):
        b, a = before.get(cls, empty), after.get(cls, empty)
        lines.append(f"  {cls:<12} {max(a.hosts, b.hosts):>3} 台  {b.text()} → {a.text()}")
    return lines
