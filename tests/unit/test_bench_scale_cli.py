"""benchmarks/bench_scale.py: --help works and a call without sizes is refused (without a lab)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_scale.py"


def test_help_names_the_options() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    for option in ("--running", "--limit", "--classes", "--data", "--keep"):
        assert option in proc.stdout


def test_no_size_is_refused_before_touching_a_lab() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "give one or more sizes, or --running" in proc.stderr
