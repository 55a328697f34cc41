"""The 巡检记录's 应急物资库存 section: every spare below its minimum stock is a 告警.

The stock is taken as it was when the inspection ended (movements after that are not counted), so
re-rendering an old inspection shows what that inspection saw. A spares ledger with errors is shown
as 未检 with its file:line problems: absence of data is never reported as 正常.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from openpyxl.styles import Font, PatternFill

from courtops.emergency.stock import stock
from courtops.formula_guard import neutralise_row
from courtops.inspection.result import NORMAL, UNCHECKED, WARNING
from courtops.ledger.spares import DEFAULT_SPARES, read_spares
from courtops.report.xlsx import sheet_title
from courtops.store import Run, Store


def build_spares_check(store: Store, run: Run, spares_path: Path | None = None) -> dict[str, Any]:
    ledger = read_spares(spares_path or DEFAULT_SPARES)
    at = run.ended_at or time.time()
    rows = stock(ledger.spares, store, at=at) if ledger.ok else []
    low = [s for s in rows if s.below_minimum]
    state = UNCHECKED if not ledger.ok else WARNING if low else NORMAL
    return {
        "state": state,
        "at": at,
        "low": low,
        "count": len(rows),
        "errors": [str(e) for e in ledger.errors],
        "path": str(spares_path or DEFAULT_SPARES),
    }


def write_spares_sheet(wb: Any, context: dict[str, Any], taken: set[str]) -> None:
    """The 巡检记录 workbook's sheet 应急物资: the state, then every spare below its minimum (or the ledger's errors)."""
    section = context["spares"]
    ws = wb.create_sheet(sheet_title("应急物资", taken))
    ws.append(["状态", section["state"], f"低于最低库存 {len(section['low'])} 项，共 {section['count']} 项"])
    ws.append(["编号", "类别", "型号", "现有库存", "最低库存", "单位", "存放位置", "状态"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for s in section["low"]:
        ws.append(
            neutralise_row(
                [
                    s.spare.id,
                    s.spare.category,
                    s.spare.model,
                    s.current,
                    s.spare.minimum,
                    s.spare.unit,
                    s.spare.location,
                    WARNING,
                ]
            )
        )
        ws.cell(row=ws.max_row, column=8).fill = PatternFill("solid", fgColor="FFF3CD")
    for error in section["errors"]:
        ws.append(neutralise_row([UNCHECKED, error]))
