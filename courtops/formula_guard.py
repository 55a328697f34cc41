"""Text that a spreadsheet would run as a formula, made inert before any XLSX or CSV is written.

Ledger and device text reaches the 巡检记录 workbook, the 测评记录 workbook and the CSV exports; a
cell such as ``=HYPERLINK(...)`` or ``@SUM(...)`` typed into the ledger (or returned by a hostile
device) would otherwise be a live formula when an official opens the file. OWASP's CSV-injection
guidance: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with a
single quote so that it is shown as text. Every writer calls ``neutralise`` (tests check each one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

#: First characters Excel, LibreOffice and WPS treat as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

K = TypeVar("K")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (a plain number is not one)."""
    if not text.startswith(FORMULA_STARTS):
        return False
    try:
        float(text)  # "-3", "+1.5": a number, shown as such, runs nothing
    except ValueError:
        return True
    return False


def neutralise(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would run: then ``'`` + text."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]


def neutralise_mapping(row: Mapping[K, Any]) -> dict[K, Any]:
    return {k: neutralise(v) for k, v in row.items()}
