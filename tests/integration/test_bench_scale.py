"""benchmarks/bench_scale.py finishes on the running lab and appends its figures (no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO_ROOT, Lab

pytestmark = pytest.mark.lab

SCRIPT = REPO_ROOT / "benchmarks" / "bench_scale.py"


def test_two_host_run_measures_both_playbooks(lab: Lab, tmp_path: Path) -> None:
    hosts = [h.name for h in lab.linux[:2]]
    data = tmp_path / "scale.md"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--running", "--limit", ":".join(hosts), "--data", str(data)],
        capture_output=True, text=True, env=lab.env, cwd=REPO_ROOT, check=False, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    text = data.read_text(encoding="utf-8")
    assert "bench_scale.py appends below this line" in text
    assert re.search(r"### \d{4}-\d\d-\d\d \d\d:\d\d UTC, commit [0-9a-f]{7}", text)
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| running lab |")]
    assert [r[1].strip() for r in rows] == ["inspect.yml monthly", "audit.yml"]
    for row in rows:
        assert row[2].strip() == "2" and row[3].strip() == "0", row  # both hosts, exit status 0
        assert float(row[4]) > 0 and float(row[5]) > 0 and float(row[6]) > 0, row  # wall, CPU, peak memory
