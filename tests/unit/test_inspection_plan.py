"""The inspection plan: profiles select exactly the checks the plan lists."""

from __future__ import annotations

import pytest

from courtops.inspection.plan import (
    CHECK_PLATFORMS,
    PLAN_FILE,
    PlanError,
    checks_for,
    load_plan_file,
    plan_document,
    validate,
)
from tests.conftest import run_tool

DATA = load_plan_file()
PLAN = DATA["inspection_plan"]


@pytest.mark.parametrize("cls", sorted(PLAN))
def test_profiles_are_cumulative_and_exact(cls):
    platforms = {p for c in PLAN[cls]["monthly"] for p in CHECK_PLATFORMS[c]}
    for platform in sorted(platforms):
        monthly = checks_for(PLAN, cls, platform, "monthly")
        quarterly = checks_for(PLAN, cls, platform, "quarterly")
        yearly = checks_for(PLAN, cls, platform, "yearly")

        def capable(checks: list[str], platform: str = platform) -> list[str]:
            return [c for c in checks if platform in CHECK_PLATFORMS[c]]

        assert monthly == capable(PLAN[cls]["monthly"])
        assert quarterly == monthly + [c for c in capable(PLAN[cls]["quarterly"]) if c not in monthly]
        assert yearly == quarterly + [c for c in capable(PLAN[cls].get("yearly") or []) if c not in quarterly]


def test_platform_filters_checks_a_device_cannot_provide():
    # police holds Windows terminals and SNMP access-control units: each gets only what it can provide
    assert "service_ports" not in checks_for(PLAN, "police", "windows", "monthly")
    assert "memory" not in checks_for(PLAN, "police", "snmp_device", "monthly")
    assert checks_for(PLAN, "printers", "snmp_device", "quarterly") == [
        "reachability", "printer_status", "printer_supplies", "printer_alerts", "printer_counters",
    ]  # fmt: skip


def test_every_class_of_the_estate_has_a_plan():
    classes = {"pcs", "servers", "network", "nvr", "cameras", "printers", "scanners", "courtroom_av", "meeting",
               "police", "execution_command", "video_aggregation", "security_appliance"}  # fmt: skip
    assert set(PLAN) == classes


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"pcs": {"weekly": ["disk"]}}, "inspection_plan.pcs.weekly: unknown profile"),
        ({"pcs": {"monthly": ["disk", "coffee"]}}, "inspection_plan.pcs.monthly: unknown check 'coffee'"),
    ],
)
def test_plan_errors_name_class_profile_and_check(plan, message):
    with pytest.raises(PlanError, match=message):
        validate(plan, {})


def test_unknown_profile_is_refused():
    with pytest.raises(PlanError, match="unknown profile 'weekly'"):
        checks_for(PLAN, "pcs", "windows", "weekly")


def test_plan_document():
    proc = run_tool("courtops", "plan")
    assert proc.returncode == 0, proc.stderr
    assert "# 巡检计划" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if line.startswith("| printers |"))
    assert row == "| printers | 网络连通性、打印机状态、耗材余量、打印机告警 | 打印计数 | — |"


def test_plan_document_lists_the_catalogue_and_the_threshold_directions():
    text = plan_document(DATA)
    assert "| printer_supplies | 耗材余量 | snmp_device | probe.snmp.supplies | toner_pct |" in text
    assert (
        "| disk | 磁盘使用率 | windows、linux_deb、linux_rpm | host_metrics.disks | disk_used_pct |" in text
    )
    assert "| toner_pct | 耗材余量 | ≤ 20 | ≤ 0 |" in text
    assert "| disk_used_pct | 磁盘使用率 | ≥ 80 | ≥ 90 |" in text


def test_a_misspelt_check_is_an_error_never_silently_dropped():
    plan = {"pcs": {"monthly": ["reachability", "dsik"]}}
    with pytest.raises(
        PlanError, match=r"inspection_plan.pcs.monthly: unknown check 'dsik' \(did you mean 'disk'\?\)"
    ):
        validate(plan, {})
    with pytest.raises(PlanError, match="unknown check 'dsik'"):
        checks_for(plan, "pcs", "linux_deb", "monthly")


def test_courtops_plan_refuses_a_misspelt_check_and_a_string_threshold(tmp_path):
    text = PLAN_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "inspection.yml"
    bad.write_text(text.replace("[reachability, uptime, cpu_load, memory, disk,", "[reachability, uptime, cpu_load, memory, dsik,", 1)
                   .replace("disk_used_pct: {warn: 80, fault: 90}", 'disk_used_pct: {warn: "80", fault: 90}'),
                   encoding="utf-8")  # fmt: skip
    assert "dsik" in bad.read_text(encoding="utf-8") and '"80"' in bad.read_text(encoding="utf-8")
    proc = run_tool("courtops", "plan", "--file", str(bad))
    assert proc.returncode != 0 and proc.stdout == ""
    assert "inspection_plan.pcs.monthly: unknown check 'dsik'" in proc.stderr
    assert "inspection_thresholds.disk_used_pct.warn: expected a percentage" in proc.stderr
