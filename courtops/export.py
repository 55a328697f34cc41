"""The findings export as text: JSON (a list of objects) or CSV, with the contract keys first.

Shared by ``courtops findings`` (a recorded run) and ``courtops audit evaluate`` (saved inputs),
so both print the same columns in the same order.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from courtops.findings import EXPORT_KEYS
from courtops.formula_guard import neutralise_mapping


def write_findings(rows: Sequence[dict[str, Any]], fmt: str, stream: TextIO) -> None:
    """``rows`` are ``Finding.export()`` dicts; ``fmt`` is ``json`` or ``csv``."""
    if fmt == "json":
        json.dump(list(rows), stream, ensure_ascii=False, indent=1)
        stream.write("\n")
        return
    # EXPORT_KEYS first (the contract), then the context columns, in Finding's order.
    columns = list(rows[0]) if rows else list(EXPORT_KEYS)
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(neutralise_mapping(r) for r in rows)  # text never runs as a formula
