"""The 巡检记录 (inspection record): per system and device the checks, values, states and remarks;
faults found and open incidents; the comparison with the previous inspection of the same scope;
the readiness of every courtroom.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from courtops.formula_guard import neutralise_row
from courtops.inspection import catalogue
from courtops.inspection.result import FAULT, NORMAL, SEVERITY, UNCHECKED, WARNING, worst
from courtops.report.inspection_av import courtroom_av
from courtops.report.inspection_av import summary as av_summary
from courtops.report.inspection_backup import backup_section
from courtops.report.inspection_patch import inspection_patch
from courtops.report.inspection_spares import build_spares_check, write_spares_sheet
from courtops.report.model import RUN_STATUS
from courtops.report.systems import system_of
from courtops.report.xlsx import sheet_title
from courtops.store import Metric, Run, Store

STATE_ORDER = (NORMAL, WARNING, FAULT, UNCHECKED)
READY, DEGRADED, DOWN, NOT_INSPECTED = "就绪", "降级", "不可用", "未巡检"
CLASS_NAMES = {
    "pcs": "计算机", "servers": "服务器", "network": "网络设备", "nvr": "硬盘录像机", "cameras": "摄像机",
    "printers": "打印机", "scanners": "扫描仪", "courtroom_av": "庭审音视频", "meeting": "会议系统",
    "police": "智慧警务", "execution_command": "执行指挥", "video_aggregation": "视频汇聚",
    "security_appliance": "等级保护设备",
}  # fmt: skip


@dataclass
class Row:
    title: str
    item: str
    reading: str
    state: str
    remark: str
    check: str = ""
    value: float | None = None
    text: str = ""  # the reading's words and unit as recorded (the AV columns of the readiness table)
    unit: str = ""


@dataclass
class Device:
    name: str
    address: str
    cls: str
    system: str
    location: str
    courtroom: str
    site: str = ""
    parent: str = ""  # a camera's NVR
    rows: list[Row] = field(default_factory=list)

    @property
    def system_label(self) -> str:
        """所属系统 as the HTML shows it: the ledger's, or 通用办公设备 for office equipment."""
        return system_of({"asset_system": self.system, "asset_class": self.cls})

    @property
    def state(self) -> str:
        judged = [r.state for r in self.rows if r.state != UNCHECKED]
        return worst(judged) if judged else UNCHECKED


def _reading(m: Metric) -> str:
    if m.value is None:
        return m.text or "—"
    value = f"{m.value:g}{m.unit}"
    return f"{value}（{m.text}）" if m.text else value


def _devices(store: Store, run: Run) -> list[Device]:
    hosts = {h.name: h for h in store.hosts(run.id)}
    devices: dict[str, Device] = {}
    titles = catalogue.default().titles()
    for m in store.metrics(run.id):
        if "state" not in m.labels:
            continue  # a metric of another playbook, not an inspection reading
        if m.host not in devices:
            asset = hosts[m.host].asset if m.host in hosts else {}
            devices[m.host] = Device(
                name=m.host,
                address=hosts[m.host].address if m.host in hosts else "",
                cls=str(asset.get("asset_class", "")),
                system=str(asset.get("asset_system", "")),
                location=str(asset.get("asset_location", "")),
                courtroom=str(asset.get("asset_courtroom", "")),
                site=str(asset.get("asset_site", "")),
                parent=str(asset.get("asset_parent", "")),
            )
        labels = m.labels
        devices[m.host].rows.append(
            Row(
                titles.get(m.name) or str(labels.get("title", m.name)),  # the catalogue's title
                str(labels.get("item", "")),
                _reading(m),
                str(labels["state"]),
                str(labels.get("remark", "")),
                m.name,
                m.value,
                m.text or "",
                m.unit or "",
            )
        )
    return sorted(devices.values(), key=lambda d: (d.system or "~", d.cls, d.name))


def courtroom_readiness(devices: list[Device]) -> list[dict[str, Any]]:
    """就绪 when every device is fine; 降级 on any 告警 or a 故障 PC; 不可用 when an AV device is 故障."""
    rooms: dict[str, list[Device]] = defaultdict(list)
    for d in devices:
        if d.courtroom:
            rooms[d.courtroom].append(d)
    out = []
    for room, members in sorted(rooms.items()):
        states = {d.name: d.state for d in members}
        if any(d.cls == "courtroom_av" and d.state == FAULT for d in members):
            status = DOWN
        elif any(s in (FAULT, WARNING) for s in states.values()):
            status = DEGRADED
        elif all(s == UNCHECKED for s in states.values()):
            status = NOT_INSPECTED
        else:
            status = READY
        problems = [
            f"{d.name}：{'、'.join(r.remark or r.title for r in d.rows if r.state in (FAULT, WARNING))}"
            for d in members
            if d.state in (FAULT, WARNING)
        ]
        out.append({"id": room, "status": status, "devices": len(members), "problems": problems,
                    "av": courtroom_av(members)})  # fmt: skip
    return out


def cameras_online(devices: list[Device]) -> list[dict[str, Any]]:
    """Cameras online (reachability 正常) per site and NVR."""
    groups: dict[tuple[str, str], list[Device]] = defaultdict(list)
    for d in devices:
        if d.cls == "cameras":
            groups[(d.site or "—", d.parent or "—")].append(d)
    out = []
    for (site, nvr), cameras in sorted(groups.items()):
        online = [c for c in cameras if any(r.check == "reachability" and r.state == NORMAL for r in c.rows)]
        offline = sorted(c.name for c in cameras if c not in online)
        out.append(
            {"site": site, "nvr": nvr, "total": len(cameras), "online": len(online), "offline": offline}
        )
    return out


def _changes(current: list[Device], previous: list[Device]) -> dict[str, list[str]]:
    def bad(devices: list[Device]) -> dict[tuple[str, str, str], str]:
        return {
            (d.name, r.title, r.item): r.state for d in devices for r in d.rows if r.state in (FAULT, WARNING)
        }

    now, before = bad(current), bad(previous)
    label = lambda k, s: f"{k[0]} {k[1]}{(' ' + k[2]) if k[2] else ''}（{s}）"  # noqa: E731
    return {
        "new": [label(k, s) for k, s in sorted(now.items()) if k not in before],
        "resolved": [label(k, s) for k, s in sorted(before.items()) if k not in now],
        "persisting": [label(k, s) for k, s in sorted(now.items()) if k in before],
    }


def _page_volume(current: list[Device], previous: list[Device]) -> None:
    """Printers: the pages printed since the previous inspection (counter difference) beside the counter."""
    before = {(d.name, r.item): r.value for d in previous for r in d.rows if r.check == "printer_counters"}
    for d in current:
        for r in d.rows:
            old = before.get((d.name, r.item))
            if r.check == "printer_counters" and r.value is not None and old is not None and r.value >= old:
                r.reading += f"（较上次巡检 +{r.value - old:g} 页）"


def build_inspection(store: Store, run: Run) -> dict[str, Any]:
    devices = _devices(store, run)
    previous_run = store.previous_run(run)
    previous = _devices(store, previous_run) if previous_run else []
    _page_volume(devices, previous)
    totals = Counter(r.state for d in devices for r in d.rows)
    by_class: dict[str, Counter[str]] = defaultdict(Counter)
    for d in devices:
        by_class[d.cls][d.state] += 1
    faults = [(d, r) for d in devices for r in d.rows if r.state == FAULT]
    return {
        "title": "日常巡检记录",
        "run": run,
        "run_status": RUN_STATUS.get(run.status, run.status),
        "generated_at": time.time(),
        "devices": devices,
        "totals": {s: totals.get(s, 0) for s in STATE_ORDER},
        "device_states": Counter(d.state for d in devices),
        "by_class": [
            (CLASS_NAMES.get(c, c or "其他"), {s: n.get(s, 0) for s in STATE_ORDER})
            for c, n in sorted(by_class.items())
        ],
        "faults": faults,
        "open_incidents": store.incidents(open_only=True),
        "previous_run": previous_run,
        "changes": _changes(devices, previous),
        "courtrooms": courtroom_readiness(devices),
        "cameras": cameras_online(devices),
        "severity": SEVERITY,
        "config_backup": backup_section(store, run, previous_run),
        "spares": build_spares_check(store, run),
        **inspection_patch(store, run),
    }


_FILLS = {FAULT: PatternFill("solid", fgColor="F8D7DA"), WARNING: PatternFill("solid", fgColor="FFF3CD")}


def write_inspection(context: dict[str, Any], path: Path) -> None:
    """巡检记录 workbook: a summary sheet, one sheet per device class, the courtroom readiness."""
    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    summary.title = sheet_title("汇总", taken)
    _append(summary, ["设备类别", *STATE_ORDER])
    for name, counts in context["by_class"]:
        _append(summary, [name, *(counts[s] for s in STATE_ORDER)])
    by_class: dict[str, list[Device]] = defaultdict(list)
    for d in context["devices"]:
        by_class[CLASS_NAMES.get(d.cls, d.cls or "其他")].append(d)
    for name, devices in by_class.items():
        ws = wb.create_sheet(sheet_title(name, taken))
        _append(ws, ["设备", "IP", "所属系统", "位置", "巡检项", "对象", "读数", "状态", "备注"])
        for d in devices:
            for r in d.rows:
                _append(
                    ws,
                    [d.name, d.address, d.system, d.location, r.title, r.item, r.reading, r.state, r.remark],
                )
                if r.state in _FILLS:
                    ws.cell(row=ws.max_row, column=8).fill = _FILLS[r.state]
        for col, width in zip("ABCDEFGHI", (22, 14, 14, 24, 14, 16, 26, 8, 36), strict=True):
            ws.column_dimensions[col].width = width
    cams = wb.create_sheet(sheet_title("摄像机在线", taken))
    _append(cams, ["站点", "硬盘录像机", "摄像机", "在线", "离线"])
    for c in context["cameras"]:
        _append(cams, [c["site"], c["nvr"], c["total"], c["online"], "、".join(c["offline"])])
    rooms = wb.create_sheet(sheet_title("法庭就绪", taken))
    _append(rooms, ["法庭", "状态", "设备数", "问题", "音视频码流（编码、帧率、音频电平、结论）"])
    for room in context["courtrooms"]:
        av = "\n".join(av_summary(e) for e in room["av"])
        _append(rooms, [room["id"], room["status"], room["devices"], "；".join(room["problems"]), av])
    write_spares_sheet(wb, context, taken)
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
    wb.save(path)


def _append(ws: Any, values: list[Any]) -> None:
    # Device, ledger and reading text may start with = + - @: written as text, never as a formula.
    ws.append(neutralise_row(values))
