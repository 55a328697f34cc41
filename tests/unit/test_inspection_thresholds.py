"""Typed inspection thresholds and settings: a wrong type is an error naming the variable, never a
judgement; a reading that exactly meets a threshold takes that threshold's state (docs/inspection.md)."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from courtops import vendors
from courtops.inspection import catalogue
from courtops.inspection.judge import judge
from courtops.inspection.plan import PLAN_FILE, PlanError, cli_errors, load_plan_file, run_errors
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING
from courtops.inspection.variables import setting_errors, threshold_errors

DATA = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
THRESHOLDS = DATA["inspection_thresholds"]
CAT = catalogue.default()
NOW = 1_800_000_000.0


def test_the_repository_plan_thresholds_and_settings_are_well_typed():
    assert run_errors(DATA) == []
    assert set(THRESHOLDS) == set(CAT.thresholds)


def with_threshold(name: str, **limits):
    changed = copy.deepcopy(THRESHOLDS)
    changed[name] = {**changed[name], **limits}
    return changed


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        (
            with_threshold("disk_used_pct", warn="80"),
            "inspection_thresholds.disk_used_pct.warn: expected a percentage",
        ),
        (
            with_threshold("disk_used_pct", fault=190),
            "inspection_thresholds.disk_used_pct.fault: expected a percentage",
        ),
        (
            with_threshold("log_errors", warn=1.5),
            "inspection_thresholds.log_errors.warn: expected a whole number",
        ),
        (
            with_threshold("patch_age_days", warn=True),
            "inspection_thresholds.patch_age_days.warn: expected a number",
        ),
        (
            with_threshold("patch_age_days", fault=[90]),
            "inspection_thresholds.patch_age_days.fault: expected a number",
        ),
        (
            with_threshold("time_offset_ms", warn=-1),
            "inspection_thresholds.time_offset_ms.warn: expected a number ≥ 0",
        ),
        (with_threshold("disk_used_pct", warn=95, fault=90), "disk_used_pct: warn must be ≤ fault"),
        (with_threshold("toner_pct", warn=0, fault=20), "toner_pct: warn must be ≥ fault"),
        (
            {k: v for k, v in THRESHOLDS.items() if k != "memory_used_pct"},
            "inspection_thresholds.memory_used_pct: expected",
        ),
        (
            {**THRESHOLDS, "disk_pct": {"warn": 1, "fault": 2}},
            "inspection_thresholds.disk_pct: not a declared threshold",
        ),
        (
            {**THRESHOLDS, "disk_used_pct": 80},
            r"inspection_thresholds.disk_used_pct: expected \{warn: …, fault: …\}",
        ),
        ("80", "inspection_thresholds: expected a mapping"),
    ],
)
def test_a_mistyped_threshold_is_an_error_naming_it(thresholds, message):
    errors = threshold_errors(thresholds)
    assert len(errors) == 1 and re.search(message, errors[0]), errors


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "inspection_critical_interfaces",
            "GE0/0/1",
            "inspection_critical_interfaces: expected a list of strings, got 'GE0/0/1' (str)",
        ),
        (
            "inspection_key_services_linux",
            "ssh,cron",
            "inspection_key_services_linux: expected a list of strings",
        ),
        (
            "inspection_key_services_linux",
            ["ssh", 5],
            "inspection_key_services_linux: expected a list of strings",
        ),
        (
            "inspection_service_ports",
            {"cameras": "554,80"},
            "inspection_service_ports: expected a mapping of device class",
        ),
        (
            "inspection_service_ports",
            {"cameras": ["554"]},
            "inspection_service_ports: expected a mapping of device class",
        ),
        (
            "inspection_service_ports",
            {"camera": [554]},
            "inspection_service_ports: expected a mapping of device class",
        ),
        (
            "inspection_service_ports",
            {"cameras": [70000]},
            "inspection_service_ports: expected a mapping of device class",
        ),
        ("inspection_av_signature_paths", None, "inspection_av_signature_paths: not defined"),
    ],
)
def test_a_mistyped_setting_is_an_error_naming_it(name, value, message):
    values = {**DATA, name: value}
    errors = setting_errors(values)
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_a_cli_reading_a_check_needs_must_have_a_command_on_every_platform_providing_it():
    commands = {p: dict(vendors.get(p).inspection_commands) for p in vendors.platforms()}
    assert cli_errors(commands) == [] and run_errors(DATA) == []
    del commands["comware"]["ntp"]
    assert cli_errors(commands) == [
        "courtops/vendors/comware: no inspection command 'ntp', which check net_ntp reads"
    ]


def test_an_optional_setting_may_be_absent_but_not_mistyped():
    assert "inspection_extra_services" not in DATA and setting_errors(DATA) == []
    assert setting_errors({**DATA, "inspection_extra_services": "recorder"}) != []


def test_the_plan_file_with_a_string_threshold_is_refused(tmp_path):
    bad = copy.deepcopy(DATA)
    bad["inspection_thresholds"]["net_cpu_pct"]["fault"] = "90"
    path = tmp_path / "inspection.yml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError, match=r"inspection_thresholds\.net_cpu_pct\.fault: expected a percentage"):
        load_plan_file(path)


# -- boundaries: exactly at a threshold ---------------------------------------------------------------
HOST = {
    "uptime_seconds": 12 * 86400.0,
    "load": [0.1, 0.1, 0.1],
    "cpu_count": 1,
    "memory": {"total_kb": 1000, "available_kb": 500},
    "disks": [{"mount": "/", "used_pct": 30.0}],
    "time_sync": {"synchronized": True, "source": "timedatectl", "offset_ms": 0.0},
    "services": {"ssh": "active"},
    "pending_reboot": False,
    "packages_changed_at": NOW - 86400,
    "log_errors": 0,
    "av_signature_mtime": NOW - 3600,
    "smart": {},
    "unreadable": {},
}


def host_reading(check: str, value: float) -> dict:
    """A host reading whose value for ``check`` is exactly ``value`` (in the threshold's unit)."""
    m = copy.deepcopy(HOST)
    if check == "disk":
        m["disks"][0]["used_pct"] = value
    elif check == "memory":
        m["memory"]["available_kb"] = 1000 - value * 10  # total 1000 kB: used % = value
    elif check == "cpu_load":
        m["load"] = [0, value, 0]
    elif check == "uptime":
        m["uptime_seconds"] = value * 3600
    elif check == "time_sync":
        m["time_sync"]["offset_ms"] = value
    elif check == "patch_age":
        m["packages_changed_at"] = NOW - value * 86400
    elif check == "log_errors":
        m["log_errors"] = int(value)
    elif check == "av_signature":
        m["av_signature_mtime"] = NOW - value * 86400
    return {"host_metrics": m}


def cli_reading(check: str, value: float) -> dict:
    if check == "net_cpu":
        return {"cli": {"cpu": f"CPU Usage            : {value:g}% Max: 99%"}}
    if check == "net_memory":
        return {"cli": {"memory": f"Memory Using Percentage Is: {value:g}%"}}
    head = "Interface   PHY   Protocol  InUti OutUti   inErrors  outErrors\n"
    return {"cli": {"interfaces": head + f"GE0/0/1  up  up  1% 1%  {int(value)}  0\n"}}


def printer_reading(value: float) -> dict:
    supply = {"name": "黑色碳粉", "level": round(value * 10), "max": 1000}  # exactly value %
    return {"probe": {"icmp": {"rtt_ms": 1.0}, "snmp": {"supplies": [supply]}}}


def av_reading(**change: float | None) -> dict:
    """A healthy stream measurement (courtops_av_probe) with one measured value changed."""
    stream = {
        "video": {"codec": "h264", "width": 640, "height": 360, "nominal_fps": 100.0},
        "audio": {"codec": "pcm_alaw", "sample_rate": 8000, "channels": 1},
        "frames": 500, "seconds": 5.0, "fps": 100.0, "decode_errors": 0, "audio_samples": 40000,
        "mean_volume_db": -15.0, "max_volume_db": -12.0,
    }  # fmt: skip
    video = dict(stream["video"])  # type: ignore[call-overload]
    if "nominal_fps" in change:
        video["nominal_fps"] = change.pop("nominal_fps")
    return {"av": {**stream, "video": video, **change}}


#: (check, threshold, readings at a value) for every threshold of the catalogue
CASES = [
    ("disk", "disk_used_pct", lambda v: host_reading("disk", v)),
    ("memory", "memory_used_pct", lambda v: host_reading("memory", v)),
    ("cpu_load", "cpu_load_per_core", lambda v: host_reading("cpu_load", v)),
    ("uptime", "min_uptime_hours", lambda v: host_reading("uptime", v)),
    ("time_sync", "time_offset_ms", lambda v: host_reading("time_sync", v)),
    ("patch_age", "patch_age_days", lambda v: host_reading("patch_age", v)),
    ("log_errors", "log_errors", lambda v: host_reading("log_errors", v)),
    ("av_signature", "av_signature_age_days", lambda v: host_reading("av_signature", v)),
    ("net_cpu", "net_cpu_pct", lambda v: cli_reading("net_cpu", v)),
    ("net_memory", "net_memory_pct", lambda v: cli_reading("net_memory", v)),
    ("net_interfaces", "interface_errors", lambda v: cli_reading("net_interfaces", v)),
    ("printer_supplies", "toner_pct", printer_reading),
    ("cpu_load", "cpu_pct", lambda v: {"host_metrics": {**HOST, "load": None, "cpu_pct": v}}),
    # av_stream has three rows (码流, 帧率, 音频): check/item names the one the threshold judges
    ("av_stream/帧率", "av_fps", lambda v: av_reading(fps=v, nominal_fps=None)),
    ("av_stream/帧率", "av_dropped_frames_pct", lambda v: av_reading(fps=100.0 - v)),
    ("av_stream/码流", "av_decode_errors", lambda v: av_reading(decode_errors=int(v))),
    ("av_stream/音频", "av_audio_level_db", lambda v: av_reading(mean_volume_db=-v, max_volume_db=-v + 3)),
    ("av_stream/音频", "av_audio_headroom_db", lambda v: av_reading(max_volume_db=-v)),
]


def test_every_threshold_has_a_boundary_case():
    assert {t for _, t, _ in CASES} == set(CAT.thresholds)


def judged(check: str, readings: dict) -> str:
    check, _, item = check.partition("/")  # "av_stream/帧率": the row of a multi-row check
    results = judge("h", [check], readings, THRESHOLDS, {"now": NOW})
    results = [r for r in results if not item or r.item == item]
    judged_items = [r for r in results if r.item != "汇总"] or results  # net_interfaces: no error row → 汇总
    assert len(judged_items) == 1, results
    return judged_items[0].state


@pytest.mark.parametrize(("check", "threshold", "reading"), CASES, ids=[f"{c}:{t}" for c, t, _ in CASES])
def test_a_reading_exactly_at_a_threshold_takes_its_state(check, threshold, reading):
    limits = THRESHOLDS[threshold]
    lower_is_worse = CAT.thresholds[threshold].lower_is_worse
    step = 1 if CAT.thresholds[threshold].type == "integer" else 0.5
    better = (lambda v: v + step) if lower_is_worse else (lambda v: v - step)
    if limits["warn"] is not None:
        assert judged(check, reading(limits["warn"])) == WARNING
        assert judged(check, reading(better(limits["warn"]))) == NORMAL
    if limits["fault"] is not None:
        assert judged(check, reading(limits["fault"])) == FAULT
        assert judged(check, reading(better(limits["fault"]))) in (WARNING, NORMAL)
        if limits["warn"] is None or better(limits["fault"]) != limits["warn"]:
            assert judged(check, reading(better(limits["fault"]))) == (
                WARNING if limits["warn"] is not None else NORMAL
            )


def test_documented_boundaries_of_the_shipped_plan():
    assert judged("disk", host_reading("disk", 80.0)) == WARNING
    assert judged("disk", host_reading("disk", 79.9)) == NORMAL
    assert judged("disk", host_reading("disk", 90.0)) == FAULT
    assert judged("printer_supplies", printer_reading(20)) == WARNING  # 20 % left: order a cartridge
    assert judged("printer_supplies", printer_reading(21)) == NORMAL
    assert judged("printer_supplies", printer_reading(0)) == FAULT  # only an empty supply is 故障
    assert judged("uptime", host_reading("uptime", 24.0)) == WARNING  # restarted a day ago exactly
    assert judged("log_errors", host_reading("log_errors", 1)) == WARNING
    assert judged("log_errors", host_reading("log_errors", 0)) == NORMAL


def test_a_mistyped_threshold_reaching_the_judge_is_unchecked_never_normal():
    bad = with_threshold("disk_used_pct", warn="80")
    [result] = judge("h", ["disk"], host_reading("disk", 95.0), bad, {"now": NOW})
    assert (result.state, result.remark) == (
        UNCHECKED,
        "阈值 inspection_thresholds.disk_used_pct 未配置或类型错误",
    )
