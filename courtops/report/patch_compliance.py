"""补丁合规 (patch compliance): per zone and device class, from the store's patch results.

One builder for three places: the patch-compliance report (`courtops report --report patch`, HTML and
XLSX), the section of the 巡检记录 (courtops/report/inspection_patch.py) and the section of the
季度运维服务报告 (courtops/report/quarterly_patch.py). Each host's state is its latest patch result:
days since it was last patched (or found up to date), updates still pending (security apart), a reboot
still pending, skipped by the court calendar. A host the store knows nothing of is not in the table;
a pending count the store does not know is 未知 (待人工), never 0.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from courtops.formula_guard import neutralise_row
from courtops.report.model import RUN_STATUS
from courtops.report.xlsx import sheet_title
from courtops.store import PatchResult, Run, Store

ZONE_NAMES = {
    "intranet": "内网", "extranet": "外网", "finance": "财政网/政务外网", "courtroom": "审判法庭",
    "management": "管理区",
}  # fmt: skip
RESULT_NAMES = {
    "patched": "已打补丁",
    "unchanged": "无需更新",
    "skipped": "跳过",
    "failed": "失败",
    "planned": "计划",
}


@dataclass
class HostPatchState:
    host: str
    zone: str
    klass: str
    last: PatchResult  # the latest recorded result
    last_patched_at: float | None  # latest patched / unchanged (the host was up to date then)
    pending: int | None  # updates still pending after the latest result (None: not known)
    pending_security: int | None
    reboot_pending: bool
    calendar_skipped: bool

    def days_since(self, now: float) -> int | None:
        return None if self.last_patched_at is None else int((now - self.last_patched_at) // 86400)


def _remaining(r: PatchResult) -> tuple[int | None, int | None]:
    """What is still pending after a result: what the mirror offered minus what was installed."""
    if r.pending is None:
        return None, None
    installed = len(r.updates) if r.result == "patched" else 0
    installed_sec = sum(1 for u in r.updates if u.get("security")) if r.result == "patched" else 0
    sec = None if r.pending_security is None else max(r.pending_security - installed_sec, 0)
    return max(r.pending - installed, 0), sec


def host_states(results: list[PatchResult]) -> list[HostPatchState]:
    by_host: dict[str, list[PatchResult]] = defaultdict(list)
    for r in results:
        if r.result != "planned":
            by_host[r.host].append(r)
    states = []
    for host, rows in sorted(by_host.items()):
        rows.sort(key=lambda r: (r.ended_at, r.id))
        last = rows[-1]
        done = [r for r in rows if r.result in ("patched", "unchanged")]
        known = [r for r in rows if r.pending is not None]  # a skipped host keeps its last known count
        pending, pending_sec = _remaining(known[-1]) if known else (None, None)
        states.append(
            HostPatchState(
                host=host, zone=last.zone, klass=last.klass, last=last,
                last_patched_at=done[-1].ended_at if done else None,
                pending=pending, pending_security=pending_sec,
                reboot_pending=last.reboot_required,
                calendar_skipped=last.result == "skipped" and bool(last.blocked_by),
            )
        )  # fmt: skip
    return states


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def groups(states: list[HostPatchState], now: float) -> list[dict[str, Any]]:
    """Per zone and class: hosts, oldest patch age, pending (security apart), reboots, calendar skips."""
    by: dict[tuple[str, str], list[HostPatchState]] = defaultdict(list)
    for s in states:
        by[(s.zone, s.klass)].append(s)
    rows = []
    for (zone, klass), members in sorted(by.items()):
        ages = [s.days_since(now) for s in members]
        rows.append({
            "zone": ZONE_NAMES.get(zone, zone or "—"), "klass": klass or "—", "hosts": len(members),
            "oldest_days": None if any(a is None for a in ages) else max(a for a in ages if a is not None),
            "never_patched": sum(1 for a in ages if a is None),
            "pending": _sum([s.pending for s in members]),
            "pending_security": _sum([s.pending_security for s in members]),
            "reboot_pending": sum(1 for s in members if s.reboot_pending),
            "calendar_skipped": sum(1 for s in members if s.calendar_skipped),
        })  # fmt: skip
    return rows


def summary(store: Store, now: float | None = None, since: float | None = None) -> dict[str, Any]:
    """The data every patch section shows (state as of now; `since` limits the results read)."""
    now = time.time() if now is None else now
    states = host_states(store.patch_results(since=since))
    return {
        "patch_now": now,
        "patch_hosts": states,
        "patch_groups": groups(states, now),
        "patch_skipped": [s for s in states if s.calendar_skipped],
        "patch_failed": [s for s in states if s.last.result == "failed"],
        "result_names": RESULT_NAMES,
    }


def build_patch_compliance(store: Store, run: Run) -> dict[str, Any]:
    return {
        "title": "补丁合规报告",
        "run": run,
        "run_status": RUN_STATUS.get(run.status, run.status),
        "generated_at": time.time(),
        **summary(store, now=run.ended_at or run.started_at),
    }


def write_patch_compliance(context: dict[str, Any], path: Path) -> None:
    """补丁合规 workbook: per zone and class, and per host."""
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    ws.title = sheet_title("按区域与类别", taken)
    ws.append(
        [
            "区域",
            "设备类别",
            "主机数",
            "最久未打补丁（天）",
            "从未打补丁",
            "待安装更新",
            "其中安全更新",
            "待重启",
            "因庭审跳过",
        ]
    )
    for g in context["patch_groups"]:
        ws.append(neutralise_row([
            g["zone"], g["klass"], g["hosts"], _cell(g["oldest_days"]), g["never_patched"], _cell(g["pending"]),
            _cell(g["pending_security"]), g["reboot_pending"], g["calendar_skipped"],
        ]))  # fmt: skip
    hosts = wb.create_sheet(sheet_title("按主机", taken))
    hosts.append(
        [
            "主机",
            "区域",
            "类别",
            "最近结果",
            "距上次打补丁（天）",
            "待安装",
            "安全更新",
            "待重启",
            "原因 / 阻止的庭审",
        ]
    )
    now = context["patch_now"]
    for s in context["patch_hosts"]:
        hosts.append(neutralise_row([
            s.host, ZONE_NAMES.get(s.zone, s.zone), s.klass, RESULT_NAMES.get(s.last.result, s.last.result),
            _cell(s.days_since(now)), _cell(s.pending), _cell(s.pending_security), "是" if s.reboot_pending else "否",
            s.last.blocked_by or s.last.reason,
        ]))  # fmt: skip
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    wb.save(path)


def _cell(value: int | None) -> int | str:
    return "未知（待人工）" if value is None else value
