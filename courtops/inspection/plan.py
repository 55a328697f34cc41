"""The inspection plan (巡检计划): which checks each profile runs on each device class.

The plan is data (``playbooks/group_vars/all/inspection.yml``); this module selects the checks of
one host and prints the plan as a document (`courtops plan`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from courtops import REPO_ROOT, vendors
from courtops.inspection.judge import TITLES

PROFILES = ("monthly", "quarterly", "yearly")
PROFILE_NAMES = {"monthly": "月度巡检", "quarterly": "季度巡检", "yearly": "年度巡检"}
PLAN_FILE = REPO_ROOT / "playbooks" / "group_vars" / "all" / "inspection.yml"

_OS = frozenset({"linux_deb", "linux_rpm", "windows"})
_NET = frozenset(vendors.platforms())  # the network_cli family
_SNMP = frozenset({"snmp_device"})
#: Which platforms can provide each check.
CHECK_PLATFORMS: dict[str, frozenset[str]] = {
    "reachability": _OS | _NET | _SNMP,
    **dict.fromkeys(("uptime", "cpu_load", "memory", "disk", "time_sync", "key_services"), _OS),
    **dict.fromkeys(("pending_reboot", "patch_age", "log_errors", "av_signature", "smart"), _OS),
    **dict.fromkeys(("net_cpu", "net_memory", "net_uptime", "net_interfaces", "net_ntp"), _NET),
    **dict.fromkeys(("net_environment", "net_alarms"), _NET),
    **dict.fromkeys(("service_ports", "snmp_system", "printer_status", "printer_supplies"), _SNMP),
    **dict.fromkeys(("printer_alerts", "printer_counters", "nvr_disks"), _SNMP),
}


class PlanError(ValueError):
    pass


def validate(plan: dict[str, Any], thresholds: dict[str, Any]) -> None:
    """Raise PlanError naming the class, profile and check of anything unknown."""
    for cls, profiles in plan.items():
        if not isinstance(profiles, dict):
            raise PlanError(f"inspection_plan.{cls}: must map profiles to check lists")
        for profile, checks in profiles.items():
            if profile not in PROFILES:
                raise PlanError(
                    f"inspection_plan.{cls}.{profile}: unknown profile (known: {', '.join(PROFILES)})"
                )
            for check in checks or []:
                if check not in CHECK_PLATFORMS:
                    raise PlanError(f"inspection_plan.{cls}.{profile}: unknown check {check!r}")
    for name, limits in thresholds.items():
        if not isinstance(limits, dict) or not {"warn", "fault"} <= set(limits):
            raise PlanError(f"inspection_thresholds.{name}: needs warn and fault (null for none)")


def checks_for(plan: dict[str, Any], cls: str, platform: str, profile: str) -> list[str]:
    """The checks a host of this class and platform gets in this profile (cumulative profiles)."""
    if profile not in PROFILES:
        raise PlanError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    wanted: list[str] = []
    for step in PROFILES[: PROFILES.index(profile) + 1]:
        for check in (plan.get(cls) or {}).get(step) or []:
            if check not in wanted:
                wanted.append(check)
    return [c for c in wanted if platform in CHECK_PLATFORMS.get(c, frozenset())]


def load_plan_file(path: Path = PLAN_FILE) -> dict[str, Any]:
    """The plan data; PlanError (never a traceback) for a file that is not an inspection plan."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise PlanError(f"not valid YAML: {exc}") from exc
    wanted = ("inspection_plan", "inspection_thresholds")
    if not isinstance(data, dict) or any(not isinstance(data.get(k), dict) for k in wanted):
        raise PlanError(f"not an inspection plan: expected a YAML mapping with {' and '.join(wanted)}")
    validate(data["inspection_plan"], data["inspection_thresholds"])
    return data


def plan_document(data: dict[str, Any]) -> str:
    """The plan as a Markdown document (巡检计划)."""
    lines = ["# 巡检计划 / inspection plan", ""]
    lines.append("| 设备类别 | 月度巡检 | 季度巡检（另加） | 年度巡检（另加） |")
    lines.append("|---|---|---|---|")
    for cls, profiles in data["inspection_plan"].items():
        cells = ["、".join(TITLES.get(c, c) for c in (profiles.get(p) or [])) or "—" for p in PROFILES]
        lines.append(f"| {cls} | " + " | ".join(cells) + " |")
    lines += ["", "## 判定阈值 / thresholds", "", "| 指标 | 告警 | 故障 |", "|---|---|---|"]
    for name, limits in data["inspection_thresholds"].items():
        lines.append(
            f"| {name} | {limits.get('warn', '—')} | {limits.get('fault') if limits.get('fault') is not None else '—'} |"
        )
    return "\n".join(lines) + "\n"
