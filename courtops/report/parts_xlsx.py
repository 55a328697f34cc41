"""配件清单及报价: the part replacements as a workbook the court approves (one row per replacement).

Amounts are numbers (yuan, two decimals) so the court's finance office can sum them; the total is
a value, not a formula (formulas are never written, see ``courtops.formula_guard``). The last rows
leave room for the court's approval opinion and signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from courtops.court_time import fmt_minute
from courtops.formula_guard import neutralise_row
from courtops.store.emergency_stock import SUPPLIERS, PartReplacement

TITLE = "配件清单及报价"
HEADERS = (
    "序号",
    "记录编号",
    "更换时间",
    "设备",
    "故障编号",
    "配件名称及型号",
    "来源（备件编号）",
    "数量",
    "单价（元）",
    "金额（元）",
    "供货方",
    "审批状态",
    "审批人",
    "审批时间",
    "备注",
)
WIDTHS = (6, 9, 17, 20, 9, 36, 16, 6, 12, 12, 12, 10, 14, 17, 24)
MONEY = "#,##0.00"
HEADER_ROW = 3  # title, period, then the headers


def write_parts_quote(rows: Sequence[PartReplacement], path: Path, *, period: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    ws.append([TITLE])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"期间：{period}（时间为北京时间）"])
    ws.append(list(HEADERS))
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, r in enumerate(rows, start=1):
        ws.append(
            neutralise_row(
                [
                    n,
                    r.id,
                    fmt_minute(r.replaced_at),
                    r.device,
                    r.incident_id if r.incident_id else "—",
                    r.part,
                    r.spare_id or "—",
                    r.quantity,
                    r.unit_price_fen / 100,
                    r.amount_fen / 100,
                    SUPPLIERS[r.supplied_by],
                    "已审批" if r.approved_at else "待审批",
                    r.approved_by or "",
                    fmt_minute(r.approved_at) if r.approved_at else "",
                    r.notes,
                ]
            )
        )
        for col in (9, 10):
            ws.cell(row=ws.max_row, column=col).number_format = MONEY
    ws.append(
        [
            "合计",
            "",
            "",
            "",
            "",
            "",
            "",
            sum(r.quantity for r in rows),
            "",
            sum(r.amount_fen for r in rows) / 100,
        ]
    )
    total = ws.max_row
    ws.cell(row=total, column=1).font = Font(bold=True)
    ws.cell(row=total, column=10).number_format = MONEY
    ws.cell(row=total, column=10).font = Font(bold=True)
    ws.append([])
    ws.append(["法院审批意见："])
    ws.append(["审批人（签字）：", "", "", "", "", "日期："])
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=HEADER_ROW, column=col).column_letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    wb.save(path)
