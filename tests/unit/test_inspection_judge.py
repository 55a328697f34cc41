"""The inspection judge as data: raw readings → expected 正常 / 告警 / 故障 / 未检."""

from __future__ import annotations

import copy

import pytest
import yaml

from courtops.inspection.judge import judge
from courtops.inspection.plan import PLAN_FILE
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING

THRESHOLDS = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))["inspection_thresholds"]
NOW = 1_800_000_000.0

# A reading as courtops_host_metrics returns it on a healthy Debian host (shape recorded from a lab host).
HEALTHY = {
    "uptime_seconds": 12 * 86400.0,
    "load": [0.31, 0.22, 0.18],
    "cpu_count": 2,
    "memory": {"total_kb": 2_000_000, "available_kb": 1_500_000},
    "disks": [
        {"mount": "/", "fstype": "overlay", "size_kb": 10_000_000, "used_kb": 3_000_000, "used_pct": 30.0}
    ],
    "time_sync": {"synchronized": True, "source": "timedatectl", "offset_ms": None},
    "services": {"ssh": "active", "cron": "active", "rsyslog": "active"},
    "pending_reboot": False,
    "packages_changed_at": NOW - 10 * 86400,
    "log_errors": 0,
    "av_signature_mtime": NOW - 86400,
    "smart": {"/dev/sda": "PASSED"},
    "unreadable": {},
}
HOST_CHECKS = ["reachability", "uptime", "cpu_load", "memory", "disk", "time_sync", "key_services",
               "pending_reboot", "patch_age", "log_errors", "av_signature", "smart"]  # fmt: skip


def states(results, check=None):
    return {(r.check, r.item): r.state for r in results if check is None or r.check == check}


def run(metrics, checks=HOST_CHECKS):
    return judge("h1", checks, {"host_metrics": metrics}, THRESHOLDS, {"now": NOW})


def test_healthy_host_is_normal_everywhere():
    results = run(HEALTHY)
    assert {r.state for r in results} == {NORMAL}
    assert {r.check for r in results} == set(HOST_CHECKS)


@pytest.mark.parametrize(
    ("path", "value", "check", "state"),
    [
        (("disks", 0, "used_pct"), 85.0, "disk", WARNING),
        (("disks", 0, "used_pct"), 93.1, "disk", FAULT),
        (("memory", "available_kb"), 200_000, "memory", WARNING),  # 90 % used
        (("memory", "available_kb"), 40_000, "memory", FAULT),  # 98 % used
        (("load",), [9.0, 9.0, 9.0], "cpu_load", FAULT),  # 4.5 per core
        (("services", "cron"), "inactive", "key_services", FAULT),
        (("services", "rsyslog"), "failed", "key_services", FAULT),
        (("pending_reboot",), True, "pending_reboot", WARNING),
        (("packages_changed_at",), NOW - 40 * 86400, "patch_age", WARNING),
        (("packages_changed_at",), NOW - 200 * 86400, "patch_age", FAULT),
        (("log_errors",), 3, "log_errors", WARNING),
        (("av_signature_mtime",), None, "av_signature", WARNING),
        (("av_signature_mtime",), NOW - 30 * 86400, "av_signature", FAULT),
        (("time_sync", "synchronized"), False, "time_sync", WARNING),
        (("uptime_seconds",), 1800.0, "uptime", WARNING),
        (("smart", "/dev/sda"), "FAILED!", "smart", FAULT),
    ],
)
def test_a_deviation_changes_exactly_its_check(path, value, check, state):
    metrics = copy.deepcopy(HEALTHY)
    target = metrics
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    results = run(metrics)
    bad = {k: s for k, s in states(results).items() if s != NORMAL}
    assert bad and set(bad.values()) == {state}
    assert {c for c, _ in bad} == {check}
    assert all(r.remark for r in results if r.state != NORMAL)


def test_unreachable_host_is_one_fault_and_nothing_else():
    results = judge(
        "h1", HOST_CHECKS, {"unreachable": True, "msg": "ssh: connect to host timed out"}, THRESHOLDS
    )
    assert [(r.check, r.state) for r in results] == [("reachability", FAULT)]
    assert "timed out" in results[0].remark


@pytest.mark.parametrize(
    "garbage", [None, "garbage", {}, {"disks": "x", "load": "y", "memory": []}, {"unreadable": 5}]
)
def test_garbage_is_unchecked_never_normal(garbage):
    results = judge("h1", HOST_CHECKS[1:], {"host_metrics": garbage}, THRESHOLDS, {"now": NOW})
    assert results and all(r.state in (UNCHECKED, WARNING) for r in results), states(results)
    assert all(r.remark for r in results)


def test_unreadable_reason_is_carried_into_the_remark():
    metrics = copy.deepcopy(HEALTHY)
    metrics["services"] = {}
    metrics["unreadable"]["services"] = "systemctl gave no state per service"
    result = next(r for r in run(metrics, ["key_services"]))
    assert (result.state, result.remark) == (UNCHECKED, "systemctl gave no state per service")


def test_unknown_check_is_unchecked():
    assert states(run(HEALTHY, ["no_such_check"])) == {("no_such_check", ""): UNCHECKED}


PRINTER_OK = {"printer_status": "idle", "device_status": "running", "errors": []}


def device(snmp=None, icmp=True, tcp=None):
    return {
        "probe": {
            "icmp": {"rtt_ms": 0.4} if icmp else {"error": "no echo reply"},
            "tcp": tcp or {},
            "snmp": snmp,
        }
    }


@pytest.mark.parametrize(
    ("snmp", "check", "expected"),
    [
        ({"printer": PRINTER_OK}, "printer_status", {("printer_status", ""): NORMAL}),
        (
            {"printer": {**PRINTER_OK, "errors": ["lowToner"], "device_status": "warning"}},
            "printer_status",
            {("printer_status", ""): WARNING},
        ),
        (
            {"printer": {**PRINTER_OK, "errors": ["jammed"], "device_status": "down"}},
            "printer_status",
            {("printer_status", ""): FAULT},
        ),
        (
            {"supplies": [{"name": "Black", "level": 3, "max": 100}]},
            "printer_supplies",
            {("printer_supplies", "Black"): WARNING},
        ),
        (
            {"supplies": [{"name": "Black", "level": 0, "max": 100}]},
            "printer_supplies",
            {("printer_supplies", "Black"): FAULT},
        ),
        (
            {"supplies": [{"name": "Black", "level": -3, "max": 100}]},
            "printer_supplies",
            {("printer_supplies", "Black"): UNCHECKED},
        ),
        (
            {"alerts": [{"index": "1", "severity": "critical", "description": "Jam"}]},
            "printer_alerts",
            {("printer_alerts", "1"): FAULT},
        ),
        (
            {"disks": [{"name": "HDD1", "status": "running"}, {"name": "HDD3", "status": "down"}]},
            "nvr_disks",
            {("nvr_disks", "HDD1"): NORMAL, ("nvr_disks", "HDD3"): FAULT},
        ),
        (
            {"error": "No SNMP response received before timeout"},
            "printer_status",
            {("printer_status", ""): UNCHECKED},
        ),
        ({"error": "timeout"}, "printer_alerts", {("printer_alerts", ""): UNCHECKED}),
        ({"sysDescr": "HP", "alerts": []}, "printer_alerts", {("printer_alerts", ""): NORMAL}),
    ],
)
def test_snmp_device_readings(snmp, check, expected):
    assert states(judge("p1", [check], device(snmp), THRESHOLDS), check) == expected


def test_device_reachability_and_ports():
    ok = judge(
        "cam1",
        ["reachability", "service_ports"],
        device({"sysDescr": "x"}, tcp={"554": True, "80": False}),
        THRESHOLDS,
    )
    assert states(ok) == {
        ("reachability", ""): NORMAL,
        ("service_ports", "tcp/554"): NORMAL,
        ("service_ports", "tcp/80"): FAULT,
    }
    dead = judge(
        "cam2", ["reachability"], device({"error": "timeout"}, icmp=False, tcp={"554": False}), THRESHOLDS
    )
    assert states(dead) == {("reachability", ""): FAULT}


def test_network_device_readings():
    cli = {
        "cpu": "CPU Usage            : 95% Max: 99%",
        "memory": "Memory Using Percentage Is: 46%",
        "version": "HUAWEI S5735 Routing Switch uptime is 0 week, 12 days, 3 hours, 41 minutes",
        "interfaces": "Interface   PHY   Protocol  InUti OutUti   inErrors  outErrors\nGE0/0/1  up  up  1% 1%  0  0\nGE0/0/2  down  down  0% 0%  0  0\nGE0/0/3  up  up  1% 1%  12  3\n",
        "ntp": " clock status: unsynchronized",
    }
    results = judge(
        "sw1",
        ["net_cpu", "net_memory", "net_uptime", "net_interfaces", "net_ntp", "net_alarms"],
        {"cli": cli},
        THRESHOLDS,
        {"critical_interfaces": ["GE0/0/2"]},
    )
    got = states(results)
    assert got[("net_cpu", "")] == FAULT
    assert got[("net_memory", "")] == NORMAL
    assert got[("net_uptime", "")] == NORMAL
    assert got[("net_interfaces", "GE0/0/2")] == FAULT  # an uplink that is down
    assert got[("net_interfaces", "GE0/0/3")] == WARNING  # 15 error packets
    assert got[("net_ntp", "")] == WARNING
    assert got[("net_alarms", "")] == UNCHECKED  # the command gave no output


def test_results_become_recorder_metrics():
    metric = run(HEALTHY, ["disk"])[0].metric()
    assert metric == {
        "host": "h1", "name": "disk", "value": 30.0, "text": "/ 已用 30.0%", "unit": "%",
        "labels": {"title": "磁盘使用率", "state": NORMAL, "item": "/", "remark": ""},
    }  # fmt: skip


def test_windows_reading_shape():
    """courtops_win_metrics reports CPU % (no load average) and Get-PhysicalDisk health words."""
    windows = {k: v for k, v in HEALTHY.items() if k != "load"}
    windows |= {"cpu_pct": 97.0, "smart": {"SAMSUNG MZ7LH480": "Healthy", "WDC WD10EZEX": "Warning"},
                "services": {"WinDefend": "Running", "W32Time": "Stopped"}}  # fmt: skip
    got = states(run(windows, ["cpu_load", "smart", "key_services"]))
    assert got == {
        ("cpu_load", ""): FAULT,
        ("smart", "SAMSUNG MZ7LH480"): NORMAL,
        ("smart", "WDC WD10EZEX"): FAULT,
        ("key_services", "WinDefend"): NORMAL,
        ("key_services", "W32Time"): FAULT,
    }
