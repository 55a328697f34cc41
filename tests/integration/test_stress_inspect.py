"""Issue 16.2, bounded: consecutive lab inspections with the recorder on never hang.

The full stress run (100+ inspections, figures in benchmarks/README.md) is benchmarks/stress_inspect.py;
this runs 10 of them, each with a hard timeout, and fails on any hang or failed run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO_ROOT, Lab

pytestmark = pytest.mark.lab

RUNS = 10
PER_RUN_TIMEOUT = 240  # a run takes 7-15 s here; the margin is for a loaded, shared machine


def test_ten_consecutive_inspections_finish(lab: Lab, tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "stress_inspect.py"), str(RUNS),
         "--timeout", str(PER_RUN_TIMEOUT), "--inventory", str(lab.inventory),
         "--store", str(tmp_path / "store.sqlite3")],
        capture_output=True, text=True, env=lab.env, cwd=REPO_ROOT, check=False,
        timeout=RUNS * PER_RUN_TIMEOUT + 60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith(f"runs {RUNS}, hangs 0 ") and "failed 0," in last, proc.stdout[-3000:]
