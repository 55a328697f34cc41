"""The 测评记录 workbook, in the layout assessors use (../../../shared/research/dengbao-controls.md §4.1):
one sheet per 测评对象, header "IP：… 版本：…", columns 控制点 / 测评项 / 结果记录 / 符合情况 / 权重 / 编号.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from courtops.formula_guard import neutralise, neutralise_row
from courtops.report.model import Asset
from courtops.report.render import fmt_score

RECORD_COLUMNS = ("控制点", "测评项", "结果记录", "符合情况", "权重", "编号")
WIDTHS = (14, 40, 60, 10, 6, 14)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
_WRAP = Alignment(wrap_text=True, vertical="top")
_VERDICT_FILL = {
    "不符合": PatternFill("solid", fgColor="F8D7DA"),
    "部分符合": PatternFill("solid", fgColor="FFF3CD"),
}


def sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub("_", name)[:31] or "sheet"
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        suffix = f"~{n}"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False, fill: Any = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=neutralise(value))
    cell.alignment = _WRAP
    if bold:
        cell.font = _BOLD
    if fill is not None:
        cell.fill = fill
    return cell


def write_records(context: dict[str, Any], path: Path) -> None:
    """Write-only mode: 1,200 sheets stream out without holding every cell object in memory."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    summary = wb.create_sheet(sheet_title("控制点得分", taken))
    summary.append([_cell(summary, "非官方估算，仅供整改参考", bold=True)])
    summary.append([_cell(summary, h, bold=True, fill=_HEAD_FILL) for h in ("安全层面", "控制点", "得分")])
    for p in context["points"]:
        summary.append(neutralise_row([p.layer, p.control_point, fmt_score(p.score)]))
    asset: Asset
    for asset in context["assets"]:
        ws = wb.create_sheet(sheet_title(asset.name, taken))
        for col, width in zip("ABCDEF", WIDTHS, strict=True):
            ws.column_dimensions[col].width = width
        ws.append([_cell(ws, f"IP：{asset.address or '—'} 版本：{asset.version or '—'}", bold=True)])
        ws.append([_cell(ws, h, bold=True, fill=_HEAD_FILL) for h in RECORD_COLUMNS])
        for f in asset.findings:
            item = f"{f.clause} {f.title}".strip() if f.title else f.clause
            # Styles cost more than values in openpyxl (each assignment hashes a style object):
            # only the long texts wrap and only problem verdicts are coloured.
            fill = _VERDICT_FILL.get(f.verdict)
            ws.append(
                neutralise_row(
                    [
                        f.control_point,
                        _cell(ws, item),
                        _cell(ws, f.record),
                        _cell(ws, f.verdict, fill=fill) if fill else f.verdict,
                        f.weight,
                        f.control_id,
                    ]
                )
            )
    wb.save(path)
