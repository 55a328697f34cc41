"""No spare is dropped in silence: whatever the rows, each non-blank line is a spare or an error on its line."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from courtops.ledger.spares import read_spares
from tests.unit.emergencykit import HEADER, SPARES

_CELL = st.text(alphabet=st.sampled_from('ab1-，,"；; 硬盘\t'), max_size=6)
_ROW = st.one_of(
    st.sampled_from(SPARES),
    st.lists(_CELL, min_size=0, max_size=13).map(",".join),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=8))
def test_every_line_is_a_spare_or_an_error(rows: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        result = read_spares(path)
    lines = {n for n, row in enumerate(rows, start=2) if row.strip(", \t")}
    read = {s.line for s in result.spares}
    failed = {e.line for e in result.errors}
    assert read <= lines and not read & failed
    # a quoted cell that runs on to a later line covers the lines it swallowed: reported there, not lost
    covered = {
        n
        for e in result.errors
        if (m := re.search(r"runs on to line (\d+)", e.message))
        for n in range(e.line + 1, int(m[1]) + 1)
    }
    assert lines <= read | failed | covered
