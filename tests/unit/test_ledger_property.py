"""Property test of the ledger reader (issue 16.1): any input yields every device or a clear error.

Never fewer devices silently: when the reader reports no error it returned one device per non-blank
data line; when it reports errors each names the file and a line that exists. Bounded examples so
CI stays fast (the whole module takes a few seconds).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtops.ledger import load_plan, read_ledger
from tests.conftest import REPO

PLAN = REPO / "inventory" / "court" / "address_plan.yml"
LEDGER = REPO / "inventory" / "court" / "assets.csv"
#: A small valid ledger: the header and 40 rows of the example (devices without a parent NVR).
BASE = [line for line in LEDGER.read_text(encoding="utf-8").splitlines() if ",cameras," not in line][:41]
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run and machine: CI is reproducible
    database=None,  # and no .hypothesis/ directory left in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


def _data_lines(text: str) -> int:
    """Non-blank lines after the header, counted without the csv module."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return sum(1 for line in lines[1:] if line.replace(",", "").replace('"', "").strip())


def _check(path: Path, plan) -> None:
    result = read_ledger(path, plan)
    raw = path.read_bytes()
    total_lines = len(LINE_BREAK.split(raw.decode("utf-8", "replace"))) + 1
    if result.errors:
        for e in result.errors:
            assert str(e).startswith(f"{path}:{e.line}: ") and e.message
            assert 0 <= e.line <= total_lines, (e, total_lines)
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # the reader's second encoding (Excel on zh-CN Windows)
    assert len(result.assets) == _data_lines(text) > 0  # every device, never fewer


def test_base_ledger_is_valid(tmp_path, plan):
    path = tmp_path / "base.csv"
    path.write_text("\n".join(BASE) + "\n", encoding="utf-8")
    assert len(read_ledger(path, plan).assets) == 40


#: What goes wrong in hand-edited ledgers: quotes, separators, line breaks, NUL, BOM, formulas.
INSERTS = st.one_of(
    st.sampled_from(
        ['"', '"', '"', '""', ",", "\n", "\r", "\r\n", '"\n', "\x00", "\ufeff", '",', "=1+1", "\t"]
    ),
    st.text(max_size=6),
)
#: Where: (line, cell, offset) — the start of a cell is where a stray quote opens a quoted cell.
PLACES = st.tuples(
    st.integers(0, len(BASE) - 1), st.integers(0, 20), st.sampled_from(["start", "end", "inside"])
)


def _insert(lines: list[str], place: tuple[int, int, str], what: str) -> None:
    line, cell, offset = place
    cells = lines[line].split(",")  # the base ledger quotes nothing, so this is its cells
    cell %= len(cells)
    text = cells[cell]
    cells[cell] = {"start": what + text, "end": text + what, "inside": text[:1] + what + text[1:]}[offset]
    lines[line] = ",".join(cells)


@SETTINGS
@given(edits=st.lists(st.tuples(PLACES, INSERTS), min_size=1, max_size=3))
def test_any_edit_of_a_valid_ledger_yields_every_device_or_an_error(tmp_path_factory, plan, edits):
    lines = list(BASE)
    for place, what in edits:
        _insert(lines, place, what)
    path = tmp_path_factory.mktemp("edit") / "ledger.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    _check(path, plan)


@SETTINGS
@given(data=st.binary(max_size=400), keep_header=st.booleans())
def test_any_bytes_yield_every_device_or_an_error(tmp_path_factory, plan, data, keep_header):
    path = tmp_path_factory.mktemp("bytes") / "ledger.csv"
    path.write_bytes(((BASE[0] + "\n").encode() if keep_header else b"") + data)
    _check(path, plan)
