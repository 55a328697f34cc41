"""Data-driven evaluator tests: recorded real outputs -> expected verdict, per (case, control id).

Cases live in tests/data/cases/*.yml; each names the platform, its evidence and the verdict an
assessor would record for every catalogue item on that platform. Test ids carry the control id.
"""

from __future__ import annotations

import functools

import pytest

from courtops import catalogue, evaluator
from courtops.findings import Finding
from tests.unit.casekit import evidence_of, load_cases

CASES = load_cases()


@functools.cache
def findings(name: str) -> dict[str, Finding]:
    case = next(c for c in CASES if c["name"] == name)
    result = evaluator.evaluate_host(
        catalogue.default(), name, case["platform"], evidence_of(name), case.get("thresholds")
    )
    return {f.control_id: f for f in result}


PARAMS = [
    pytest.param(case["name"], control_id, verdict, id=f"{control_id}-{case['platform']}-{case['name']}")
    for case in CASES
    for control_id, verdict in case["expect"].items()
]


@pytest.mark.parametrize(("case", "control_id", "verdict"), PARAMS)
def test_verdict(case: str, control_id: str, verdict: str) -> None:
    found = findings(case)
    assert control_id in found, f"{control_id} not evaluated for {case}"
    f = found[control_id]
    assert f.verdict == verdict, f"{control_id}@{case}: {f.verdict} ≠ {verdict}\n{f.record}\n{f.reason}"
    if verdict in ("符合", "部分符合", "不符合"):
        assert f.record.startswith("经现场核查"), f.record
    if verdict == "待人工":
        assert f.reason, "待人工 must say why"


@pytest.mark.parametrize("case", [c["name"] for c in CASES])
def test_every_applicable_item_expected(case: str) -> None:
    """Each case states a verdict for every item of its platform: nothing unreviewed slips by."""
    spec = next(c for c in CASES if c["name"] == case)
    assert set(findings(case)) == set(spec["expect"])


@pytest.mark.parametrize("case", [c["name"] for c in CASES if "high_risk" in c])
def test_high_risk_candidates(case: str) -> None:
    spec = next(c for c in CASES if c["name"] == case)
    flagged = sorted(cid for cid, f in findings(case).items() if f.high_risk)
    assert flagged == sorted(spec["high_risk"])


def test_every_item_and_platform_covered() -> None:
    """Every (item, platform) pair of the catalogue has at least one case with a verdict."""
    covered = {(cid, c["platform"]) for c in CASES for cid in c["expect"]}
    wanted = {(item.id, p) for item in catalogue.default().items for p in item.platforms}
    assert wanted - covered == set()
