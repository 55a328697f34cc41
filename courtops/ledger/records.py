"""Split ledger text into records: exactly one record per physical line.

``csv.reader`` lets a quoted cell run across line breaks, so one stray ``"`` swallowed every later
row into a single cell (306 devices vanished without a word, and more than 128 KB of them crashed
the reader). A ledger row is one device on one line, so every line is parsed on its own: a quote
left open, or a cell holding a line break, is an error at the line where the quote opened, and the
number of records always equals the number of lines.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what csv and spreadsheets count as a line break


@dataclass(frozen=True)
class Record:
    line: int  # 1-based physical line
    cells: list[str]

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class BadLine:
    line: int
    message: str


def physical_lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last line; it does not start an empty one
    return lines


def _parse_line(line: str) -> list[str]:
    if '"' not in line:
        return line.split(",") if line else []  # what csv gives for a line without quotes, 5× faster
    # strict: a quote left open or text after a closing quote is an error, not a guess
    return next(csv.reader([line], strict=True), [])


def _open_quote_message(lines: list[str], index: int) -> tuple[str, int]:
    """Why line ``index`` (0-based) leaves a quote open, and how many following lines it covers."""
    reader = csv.reader((line + "\n" for line in lines[index:]), strict=True)
    try:
        next(reader)
    except (csv.Error, StopIteration):
        after = len(lines) - index - 1
        return (
            'a quote (") opened on this line is never closed; a cell may not hold a line break '
            f"(the {after} line(s) after it would have been read into this one cell)",
            0,
        )
    last = index + reader.line_num  # 1-based line where the quoted cell closes
    return (
        f"a quoted cell opened on this line runs on to line {last}: a cell may not hold a line break. "
        f"If the quote is a typo, lines {index + 2}–{last} ({last - index - 1} device row(s)) would be "
        "lost inside it; if the line break is meant, replace it with a space or '；'",
        last - index - 1,
    )


def split_records(text: str) -> tuple[list[Record], list[BadLine]]:
    """Every line as a record, or as a bad line naming what is wrong with it."""
    lines = physical_lines(text)
    records: list[Record] = []
    bad: list[BadLine] = []
    index = 0
    while index < len(lines):
        try:
            records.append(Record(index + 1, _parse_line(lines[index])))
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                message, covered = _open_quote_message(lines, index)
                bad.append(BadLine(index + 1, message))
                index += covered  # the lines inside a closed quoted cell are not rows of their own
            elif "expected after" in str(exc):
                bad.append(
                    BadLine(index + 1, 'text after a closing quote; a quote inside a cell is written ""')
                )
            else:
                bad.append(BadLine(index + 1, f"malformed CSV: {exc}"))
        index += 1
    return records, bad
