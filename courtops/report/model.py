"""From the store to what the 等保 report shows: assets, 差距分析 rows, 控制点 scores, trend.

Kept apart from rendering so the HTML template, the XLSX workbook and tests read the same figures.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from courtops.findings import Finding
from courtops.report.dengbao_harden import dengbao_findings, dengbao_harden
from courtops.report.scoring import (
    RISK_HIGH,
    ControlPointScore,
    control_point_scores,
    overall_estimate,
    risk_level,
)
from courtops.store import HostStats, Run, Store

VERDICT_ORDER = ("符合", "部分符合", "不符合", "不适用", "待人工", "已批准例外")
PROBLEM_VERDICTS = frozenset({"不符合", "部分符合"})
RUN_STATUS = {
    "ok": "正常结束",
    "failed": "结束（部分主机失败或不可达）",
    "running": "未正常结束（记录不完整）",
}
RUN_STATUS["interrupted"] = "被中断（记录不完整）"


@dataclass
class Asset:
    """A 测评对象: one inventory host and its findings."""

    name: str
    address: str
    version: str
    platform: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " / ".join(x for x in (self.name, self.address, self.version) if x)

    @property
    def counts(self) -> dict[str, int]:
        c: dict[str, int] = defaultdict(int)
        for f in self.findings:
            c[f.verdict] += 1
        return dict(c)

    @property
    def high_risk(self) -> int:
        return sum(1 for f in self.findings if risk_level(f) == RISK_HIGH)


@dataclass
class GapRow:
    """One row of the 差距分析 table (../../../shared/research/dengbao-controls.md §4.3)."""

    no: int
    layer: str
    control_point: str
    item: str  # 条款 + 编码
    title: str
    target: str  # 资产 / IP / 版本
    record: str
    verdict: str
    weight: float
    problem: str
    risk: str
    remediation: str
    host: str
    control_id: str


@dataclass
class GapGroup:
    """差距分析 rows of one 测评项 and 符合情况 folded together (the print edition of big runs)."""

    layer: str
    control_point: str
    item: str
    title: str
    verdict: str
    risk: str
    weight: float
    remediation: str
    hosts: list[str] = field(default_factory=list)


def gap_groups(rows: list[GapRow]) -> list[GapGroup]:
    groups: dict[tuple[str, str, str], GapGroup] = {}
    for r in rows:
        key = (r.control_id, r.verdict, r.risk)
        if key not in groups:
            groups[key] = GapGroup(
                r.layer, r.control_point, r.item, r.title, r.verdict, r.risk, r.weight, r.remediation
            )
        groups[key].hosts.append(r.host)
    return list(groups.values())


@dataclass
class TrendEntry:
    host: str
    control_id: str
    title: str
    before: str
    after: str


@dataclass
class Trend:
    previous: Run | None
    fixed: list[TrendEntry] = field(default_factory=list)
    new: list[TrendEntry] = field(default_factory=list)
    unchanged: list[TrendEntry] = field(default_factory=list)


def problem_text(f: Finding) -> str:
    if f.verdict not in PROBLEM_VERDICTS:
        return "—"
    what = f.title or f.control_point or f.control_id
    return f"{what}：期望 {f.expected}，实际 {f.actual}"


def build_assets(hosts: list[HostStats], findings: list[Finding]) -> list[Asset]:
    known = {h.name: h for h in hosts}
    assets: dict[str, Asset] = {}
    for f in findings:
        if f.host not in assets:
            h = known.get(f.host)
            assets[f.host] = Asset(
                name=f.host,
                address=h.address if h else "",
                version=(h.os_version or h.platform) if h else "",
                platform=f.platform or (h.platform if h else ""),
            )
        assets[f.host].findings.append(f)
    for a in assets.values():
        a.findings.sort(key=lambda f: f.control_id)
    return [assets[k] for k in sorted(assets)]


def gap_rows(assets: list[Asset], *, verdicts: frozenset[str] | None = None) -> list[GapRow]:
    """Rows sorted by 安全层面, 控制点, 测评项, then asset; ``verdicts`` filters (None: all)."""
    rows: list[GapRow] = []
    ordered = sorted(
        ((a, f) for a in assets for f in a.findings),
        key=lambda af: (af[1].layer, af[1].control_point, af[1].control_id, af[0].name),
    )
    for asset, f in ordered:
        if verdicts is not None and f.verdict not in verdicts:
            continue
        rows.append(
            GapRow(
                no=len(rows) + 1,
                layer=f.layer,
                control_point=f.control_point,
                item=f"{f.clause} {f.control_id}".strip(),
                title=f.title,
                target=asset.label,
                record=f.record,
                verdict=f.verdict,
                weight=f.weight,
                problem=problem_text(f),
                risk=risk_level(f),
                remediation=f.remediation if f.verdict in PROBLEM_VERDICTS else "—",
                host=f.host,
                control_id=f.control_id,
            )
        )
    return rows


def trend(current: list[Finding], previous_run: Run | None, previous: list[Finding]) -> Trend:
    """Fixed / new / unchanged problems against the previous run of the same scope.

    Only (host, item) pairs assessed in this run are compared: a host missing from this run was
    not re-checked, so its old problems are neither fixed nor unchanged.
    """
    out = Trend(previous=previous_run)
    if previous_run is None:
        return out
    before = {(f.host, f.control_id): f for f in previous}
    for f in sorted(current, key=lambda f: (f.host, f.control_id)):
        old = before.get((f.host, f.control_id))
        was = old is not None and old.verdict in PROBLEM_VERDICTS
        entry = TrendEntry(f.host, f.control_id, f.title, old.verdict if old else "—", f.verdict)
        if f.verdict in PROBLEM_VERDICTS:
            (out.unchanged if was else out.new).append(entry)
        elif was and f.verdict in ("符合", "不适用"):
            out.fixed.append(entry)
    return out


def point_bars(points: list[ControlPointScore]) -> list[tuple[str, float | None]]:
    """Chart labels for the control-point scores. 访问控制 and 安全审计 exist in more than one 安全层面,
    and a bare name would leave the reader guessing which bar is which: a repeated name carries its layer."""
    counts = Counter(p.control_point for p in points)
    return [
        (f"{p.layer}·{p.control_point}" if counts[p.control_point] > 1 else p.control_point, p.score)
        for p in points
    ]


def build_dengbao(store: Store, run: Run) -> dict[str, Any]:
    """Everything the 差距分析 page and the 测评记录 workbook show, for one run."""
    findings = dengbao_findings(store, run)
    assets = build_assets(store.hosts(run.id), findings)
    points: list[ControlPointScore] = control_point_scores(findings)
    totals = dict.fromkeys(VERDICT_ORDER, 0)
    for f in findings:
        totals[f.verdict] += 1
    previous = store.previous_run(run)
    # 已批准例外 stays in the 差距分析: a deviation the court accepted, with reason, approver and expiry
    rows = gap_rows(assets, verdicts=frozenset({"不符合", "部分符合", "待人工", "已批准例外"}))
    return {
        "title": "网络安全等级保护 差距分析报告",
        "run": run,
        "run_status": RUN_STATUS.get(run.status, run.status),
        "generated_at": time.time(),
        "assets": assets,
        "points": points,
        "point_bars": point_bars(points),
        "overall": overall_estimate(points),
        "totals": totals,
        "rows": rows,
        "high_risk": [r for r in rows if r.risk == RISK_HIGH],
        "gap_groups": gap_groups(rows),
        "print_edition": False,
        "trend": trend(findings, previous, dengbao_findings(store, previous)),
        "layers": sorted({p.layer for p in points}),
        **dengbao_harden(store, run),
    }
