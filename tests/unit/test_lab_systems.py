"""The lab's members of the named systems (courtops.lab.systems): data only, no lab needed."""

from __future__ import annotations

import pytest

from courtops.lab import snmp, systems
from courtops.lab.config import LabConfig, LabConfigError
from courtops.lab.plan import LabPlan
from courtops.lab.rtsp_server import CONDITIONS, parse_args
from courtops.ledger import schema
from courtops.report.systems import SEED_SYSTEMS


def cfg() -> LabConfig:
    return LabConfig.from_env({"COURTOPS_LAB_ID": "7"})


def test_every_seed_system_has_a_lab_member_or_device_in_the_default_lab() -> None:
    plan = LabPlan.build(cfg(), 8, 6, 6)
    named = {str(h.vars.get("asset_system")) for h in plan.all()}
    assert set(SEED_SYSTEMS) <= named
    classes = {h.klass for h in plan.systems}
    assert {"courtroom_av", "meeting", "police", "execution_command", "video_aggregation",
            "security_appliance"} <= classes  # fmt: skip
    assert classes <= set(schema.CLASSES)


def test_members_have_unique_names_addresses_and_communities_and_leave_the_snmp_range_free() -> None:
    plan = LabPlan.build(cfg(), 8, 6, 6)
    names = [h.name for h in plan.all()]
    addresses = [h.address for h in plan.all()]
    assert len(names) == len(set(names)) and len(addresses) == len(set(addresses))
    communities = [h.vars["courtops_snmp_community"] for h in plan.systems]
    assert len(communities) == len(set(communities)) and "public" not in communities
    assert min(h.n for h in plan.systems) == systems.SYSTEMS_BASE > max(h.n for h in plan.snmp)
    with pytest.raises(LabConfigError, match="at most 199 SNMP devices"):
        LabPlan.build(cfg(), 0, 0, systems.SYSTEMS_BASE)
    assert LabPlan.build(cfg(), 1, 0, 0).systems == []  # a lab without SNMP devices has none


def test_every_member_recording_renders_with_its_name() -> None:
    for spec in LabPlan.build(cfg(), 0, 0, 1).systems:
        text = snmp.render(spec.profile, spec)
        assert f"1.3.6.1.2.1.1.5.0|4|{spec.name}" in text


def test_the_three_streams_are_healthy_silent_and_choppy() -> None:
    streams = {
        h.name: h.vars.get("lab_stream")
        for h in LabPlan.build(cfg(), 0, 0, 1).systems
        if h.klass == "courtroom_av"
    }
    assert sorted(streams.values()) == ["choppy", "healthy", "silent"]
    assert "wave=silence" in CONDITIONS["silent"] and "drop-probability" in CONDITIONS["choppy"]
    assert parse_args(["--port=8554", "10.0.0.1=healthy", "--lab-state=/x"]) == (
        8554,
        [("10.0.0.1", "healthy")],
    )
    with pytest.raises(SystemExit, match="condition must be one of"):
        parse_args(["10.0.0.1=loud"])
