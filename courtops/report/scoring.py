"""等保 scores, by the formula of the 2021 测评报告 template (../../../shared/research/dengbao-controls.md §4.2):

- 测评项 on one object: 符合 = 1, 部分符合 = 0.5, 不符合 = 0; 不适用 and 待人工 take no part;
- 测评项 over many objects: the arithmetic mean over the objects that were scored (多对象平均分);
- 控制点得分 = Σ(测评项多对象平均分 × 权重) / Σ权重 × 10, over the items with at least one scored object.

The overall figure is an *estimate* (mean of the 控制点 scores, on 100): the official 综合得分 uses the
缺陷扣分法 of the assessor's template, which we do not reproduce; reports label it as non-official.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from courtops.findings import VERDICT_SCORE, Finding

#: Candidate risk level of a finding in the 差距分析 table (the assessor decides the final one).
RISK_HIGH, RISK_MEDIUM, RISK_LOW, RISK_NONE = "高", "中", "低", "—"


def risk_level(f: Finding) -> str:
    if f.verdict not in ("不符合", "部分符合"):
        return RISK_NONE
    if f.high_risk:
        return RISK_HIGH
    return RISK_MEDIUM if f.verdict == "不符合" else RISK_LOW


@dataclass
class ItemScore:
    """One 测评项 (control id) over all its objects."""

    control_id: str
    clause: str
    title: str
    weight: float
    counts: dict[str, int] = field(default_factory=dict)  # verdict -> number of objects
    average: float | None = None  # None: nothing scoreable (all 不适用 / 待人工)


@dataclass
class ControlPointScore:
    layer: str
    control_point: str
    items: list[ItemScore] = field(default_factory=list)
    score: float | None = None  # 0..10; None when every item is excluded

    @property
    def counts(self) -> dict[str, int]:
        total: dict[str, int] = defaultdict(int)
        for item in self.items:
            for verdict, n in item.counts.items():
                total[verdict] += n
        return dict(total)


def item_scores(findings: Iterable[Finding]) -> list[ItemScore]:
    by_item: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_item[f.control_id].append(f)
    out = []
    for control_id in sorted(by_item):
        group = by_item[control_id]
        first = group[0]
        counts: dict[str, int] = defaultdict(int)
        for f in group:
            counts[f.verdict] += 1
        scored = [VERDICT_SCORE[f.verdict] for f in group if f.verdict in VERDICT_SCORE]
        out.append(
            ItemScore(
                control_id=control_id,
                clause=first.clause,
                title=first.title,
                weight=first.weight,
                counts=dict(counts),
                average=sum(scored) / len(scored) if scored else None,
            )
        )
    return out


def control_point_scores(findings: Iterable[Finding]) -> list[ControlPointScore]:
    findings = list(findings)
    point_of = {f.control_id: (f.layer, f.control_point) for f in findings}
    points: dict[tuple[str, str], ControlPointScore] = {}
    for item in item_scores(findings):
        layer, name = point_of[item.control_id]
        points.setdefault((layer, name), ControlPointScore(layer, name)).items.append(item)
    for point in points.values():
        scored = [i for i in point.items if i.average is not None]
        weights = sum(i.weight for i in scored)
        if scored and weights > 0:
            point.score = sum(i.average * i.weight for i in scored if i.average is not None) / weights * 10
    # catalogue order: a 控制点 comes where its first item (lowest control id) comes
    return sorted(points.values(), key=lambda p: (p.layer, min(i.control_id for i in p.items)))


def overall_estimate(points: Iterable[ControlPointScore]) -> float | None:
    """Non-official: mean 控制点 score scaled to 100."""
    scores = [p.score for p in points if p.score is not None]
    return sum(scores) / len(scores) * 10 if scores else None
