"""The spares ledger (应急物资储备库台账): one CSV row per kind of spare, beside the asset ledger.

Read and checked with the asset ledger's machinery (one record per physical line, UTF-8 or GB18030,
Chinese or English headers, every problem as file:line, no row dropped in silence). A row is the
stock *counted* on its 盘点日期; takes and restocks after that day are movements in the results store
(``courtops spares take | restock``), so current stock = counted quantity + movements since the count.
Recounting means writing the new quantity and date here: the movements before it are then part of
the count and nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from courtops import REPO_ROOT
from courtops.court_time import CST
from courtops.formula_guard import looks_like_formula
from courtops.ledger.schema import Column
from courtops.ledger.validate import LedgerError, _header_key, read_records

DEFAULT_SPARES = REPO_ROOT / "inventory" / "court" / "spares.csv"

COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", True, "unique spare id (letters, digits, '-'), e.g. SP-SW-01", "物资编号，唯一"),
    Column("category", "类别", True, "kind of spare, e.g. 接入交换机, 硬盘, UPS电池", "物资类别"),
    Column("model", "型号", True, "model", "品牌型号"),
    Column(
        "compatible",
        "适用平台/兼容型号",
        True,
        "platforms or device models it replaces, separated by ；or ;",
        "适用的平台或可替换的设备型号，用分号分隔",
    ),
    Column("quantity", "数量", True, "quantity counted on the stocktake date (whole number ≥ 0)", "盘点数量"),
    Column("minimum", "最低库存", True, "minimum stock; below it is 告警 (whole number ≥ 0)", "最低库存"),
    Column("unit", "单位", False, "unit, e.g. 台, 块, 个 (default 个)", "计量单位"),
    Column("location", "存放位置", True, "where it is kept", "存放位置"),
    Column("counted_on", "盘点日期", True, "stocktake date YYYY-MM-DD (Beijing time)", "盘点日期"),
    Column("price", "参考单价", False, "reference unit price in CNY", "参考单价（元）"),
    Column("notes", "备注", False, "remarks", "备注"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
_SEPARATORS = re.compile(r"[；;、]")


@dataclass(frozen=True)
class Spare:
    line: int
    id: str
    category: str
    model: str
    compatible: tuple[str, ...]
    quantity: int
    minimum: int
    location: str
    counted_on: dt.date
    unit: str = "个"
    price: str = ""
    notes: str = ""

    @property
    def counted_at(self) -> float:
        """Start of the stocktake day, Beijing time: movements from then on are not in the count."""
        return dt.datetime.combine(self.counted_on, dt.time(), CST).timestamp()


@dataclass
class SparesResult:
    path: Path
    spares: list[Spare] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)
    warnings: list[LedgerError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_id(self) -> dict[str, Spare]:
        return {s.id: s for s in self.spares}


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def read_spares(path: Path | str = DEFAULT_SPARES) -> SparesResult:
    path = Path(path)
    result = SparesResult(path=path)

    def error(line: int, message: str) -> None:
        result.errors.append(LedgerError(path, line, message))

    records = read_records(path, "spares ledger", error)
    if records is None:
        return result
    if not records or records[0].line != 1 or records[0].blank:
        error(1, "the header row (column names) must be the first line")
        result.errors.sort(key=lambda e: e.line)
        return result
    header = records[0].cells
    keys = [_header_key(cell, COLUMNS) for cell in header]
    for cell, key in zip(header, keys, strict=True):
        if key is None and cell.strip():
            result.warnings.append(LedgerError(path, 1, f"unknown column {cell.strip()!r} is ignored"))
    header_errors = len(result.errors)
    for key in sorted({k for k in keys if k is not None and keys.count(k) > 1}):
        error(1, f"column {COLUMN_BY_KEY[key].label} ({key}) appears twice; keep one")
    for column in COLUMNS:
        if column.required and column.key not in keys:
            error(1, f"missing required column {column.label} ({column.key})")
    if len(result.errors) > header_errors:  # no row can be read against a broken header
        result.errors.sort(key=lambda e: e.line)
        return result

    first_line: dict[str, int] = {}
    rows = 0
    for record in records[1:]:
        if record.blank:
            continue
        rows += 1
        line, cells = record.line, record.cells
        if len(cells) > len(keys):
            error(line, f"{len(cells)} fields but the header has {len(keys)} (an unquoted comma?)")
            continue
        values = {k: cells[i].strip() for i, k in enumerate(keys) if k is not None and i < len(cells)}
        before = len(result.errors)
        for key, value in values.items():
            if looks_like_formula(value):
                result.warnings.append(
                    LedgerError(path, line, f"{COLUMN_BY_KEY[key].label} {value!r} starts like a formula")
                )
        for column in COLUMNS:
            if column.required and not values.get(column.key):
                error(line, f"{column.label} ({column.key}) is empty")
        if len(result.errors) > before:
            continue
        spare_id = values["id"]
        if not _ID.match(spare_id):
            error(line, f"编号 (id) {spare_id!r} is not a valid id (letters, digits, '-', up to 40)")
        elif (seen := first_line.setdefault(spare_id.casefold(), line)) != line:
            error(line, f"duplicate 编号 (id) {spare_id!r} (first on line {seen})")
        numbers: dict[str, int] = {}
        for key in ("quantity", "minimum"):
            number = _count(values[key])
            if number is None:
                error(
                    line,
                    f"{COLUMN_BY_KEY[key].label} ({key}) must be a whole number ≥ 0, not {values[key]!r}",
                )
            else:
                numbers[key] = number
        try:
            counted_on = dt.date.fromisoformat(values["counted_on"])
        except ValueError:
            error(line, f"盘点日期 (counted_on) must be a date YYYY-MM-DD, not {values['counted_on']!r}")
        price = values.get("price", "")
        if price and not re.fullmatch(r"\d+(\.\d{1,2})?", price):
            error(line, f"参考单价 (price) must be an amount in yuan such as 1280 or 35.50, not {price!r}")
        compatible = tuple(p.strip() for p in _SEPARATORS.split(values["compatible"]) if p.strip())
        if len(result.errors) == before:
            result.spares.append(
                Spare(
                    line=line,
                    id=spare_id,
                    category=values["category"],
                    model=values["model"],
                    compatible=compatible,
                    quantity=numbers["quantity"],
                    minimum=numbers["minimum"],
                    location=values["location"],
                    counted_on=counted_on,
                    unit=values.get("unit") or "个",
                    price=price,
                    notes=values.get("notes", ""),
                )
            )
    if not rows and not result.errors:
        error(2, "the spares ledger has a header but no spares")
    result.errors.sort(key=lambda e: e.line)
    return result
