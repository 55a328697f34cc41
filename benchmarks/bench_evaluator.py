"""Benchmark: host-evaluations per minute of courtops.evaluator (prints figures, asserts nothing).

Each evaluation = parse one host's recorded evidence + judge every catalogue item for it.
Uses the recorded test cases (tests/data/cases) for each platform, cycling through them.

    .venv/bin/python benchmarks/bench_evaluator.py [seconds-per-platform]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courtops import catalogue, evaluator
from tests.unit.casekit import evidence_of, load_cases


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    cat = catalogue.default()
    by_platform: dict[str, list[dict]] = {}
    for case in load_cases():
        by_platform.setdefault(case["platform"], []).append(evidence_of(case["name"]))
    total_n = total_t = 0.0
    print(f"{'platform':<10} {'evals':>8} {'findings':>9} {'evals/min':>12}")
    for platform, evidences in sorted(by_platform.items()):
        n = findings = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            findings += len(evaluator.evaluate_host(cat, f"h{n}", platform, evidences[n % len(evidences)]))
            n += 1
        elapsed = time.perf_counter() - start
        total_n += n
        total_t += elapsed
        print(f"{platform:<10} {n:>8} {findings:>9} {n / elapsed * 60:>12,.0f}")
    rate = total_n / total_t * 60
    print(f"{'all':<10} {int(total_n):>8} {'':>9} {rate:>12,.0f}  (target ≥ 10,000/min, one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
