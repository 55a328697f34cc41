"""The device probe's SNMP views and their judgement on recorded walks (tests/data/device_probe/).

Each case is what a device answered (Printer-MIB / HOST-RESOURCES columns by name), the view the probe
builds from it, and the states the judge gives with the project's thresholds, boundaries included.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from courtops.inspection.judge import judge
from tests.conftest import REPO

CASES = sorted((REPO / "tests" / "data" / "device_probe").glob("*.yml"))
THRESHOLDS = yaml.safe_load((REPO / "playbooks/group_vars/all/inspection.yml").read_text(encoding="utf-8"))[
    "inspection_thresholds"
]

_spec = importlib.util.spec_from_file_location("courtops_probe", REPO / "module_utils" / "courtops_probe.py")
assert _spec and _spec.loader
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)


def walk(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{column OID: {suffix: value}} as the probe's walk gathers it."""
    return {getattr(probe, name): dict(rows) for name, rows in case["walk"].items()}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_recorded_walk_gives_the_expected_view_and_states(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    view = probe.VIEWS[case["kind"]](walk(case))
    for key, expected in case["expect"]["view"].items():
        assert view[key] == expected, key
    snmp = {"sysDescr": "recorded", "sysUpTime": 100, "sysName": path.stem} | view
    results = judge(
        "dev", list(case["expect"]["judged"]), {"probe": {"snmp": snmp}}, THRESHOLDS, {"now": time.time()}
    )
    judged: dict[str, dict[str, str]] = {}
    for r in results:
        judged.setdefault(r.check, {})[r.item] = r.state
    assert judged == case["expect"]["judged"]


def test_a_device_whose_probe_never_finishes_is_an_error_with_a_timeout() -> None:
    import asyncio

    async def forever() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {}

    started = time.monotonic()
    answer = asyncio.run(probe._bounded(forever(), 0.2))
    assert answer == {"error": "超时：0.2 秒内未完成"} and time.monotonic() - started < 5
