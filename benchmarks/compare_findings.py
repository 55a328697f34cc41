"""Compare the stored findings of the latest audit run in two results stores (SQLite).

    .venv/bin/python benchmarks/compare_findings.py BEFORE.sqlite3 AFTER.sqlite3

Used to show that a speed change of playbooks/audit.yml changed no verdict: run the audit on the same
lab once before and once after the change, each recording into its own store
(``COURTOPS_STORE=…``), then compare. Every judged field is compared (verdict, record, expected,
actual, high-risk flag, reason, failed sub-checks) and the evidence each finding points at (by its
SHA-256). Prints the differences; exit status 0 when identical, 1 when not, 2 on bad input.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

FIELDS = (
    "platform", "clause", "verdict", "record", "expected", "actual", "high_risk", "layer",
    "control_point", "title", "weight", "remediation", "reason", "extra",
)  # fmt: skip


def latest_audit(path: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    """(host, control id) → the judged fields and the evidence hash of the store's latest audit run."""
    if not path.is_file():
        raise SystemExit(f"no such store: {path}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT id FROM runs WHERE kind = ? ORDER BY id DESC LIMIT 1", ("audit",)).fetchone()
        if row is None:
            raise SystemExit(f"{path}: no audit run recorded")
        cols = ", ".join(f"f.{c}" for c in FIELDS)
        rows = db.execute(
            f"SELECT f.host, f.control_id, {cols}, e.sha256 FROM findings f"
            " LEFT JOIN evidence e ON e.id = f.evidence_id WHERE f.run_id = ?",
            (row[0],),
        ).fetchall()
    finally:
        db.close()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def compare(
    before: dict[tuple[str, str], tuple[object, ...]], after: dict[tuple[str, str], tuple[object, ...]]
) -> list[str]:
    """Human-readable differences (empty when the two runs judged alike)."""
    out = [f"only before: {k}" for k in sorted(before.keys() - after.keys())]
    out += [f"only after: {k}" for k in sorted(after.keys() - before.keys())]
    for key in sorted(before.keys() & after.keys()):
        for name, a, b in zip((*FIELDS, "evidence"), before[key], after[key], strict=True):
            if a != b:
                out.append(f"{key} {name}: {str(a)[:120]!r} → {str(b)[:120]!r}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    before, after = latest_audit(Path(argv[0])), latest_audit(Path(argv[1]))
    diffs = compare(before, after)
    for line in diffs:
        print(line)
    print(f"{len(before)} findings before, {len(after)} after, {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
