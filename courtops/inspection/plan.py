"""The inspection plan (巡检计划): which checks each profile runs on each device class.

The plan is data (``playbooks/group_vars/all/inspection.yml``); the checks it may name, the platforms
that can provide them and the types of its thresholds and settings are the catalogue's
(``inspection/checks.yml``). This module checks a plan against the catalogue, selects the checks of
one host and prints the plan as a document (`courtops plan`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from courtops import REPO_ROOT, vendors
from courtops.inspection import catalogue
from courtops.inspection.variables import setting_errors, threshold_errors

PROFILES = ("monthly", "quarterly", "yearly")
PROFILE_NAMES = {"monthly": "月度巡检", "quarterly": "季度巡检", "yearly": "年度巡检"}
PLAN_FILE = REPO_ROOT / "playbooks" / "group_vars" / "all" / "inspection.yml"

#: Which platforms can provide each check (from the catalogue).
CHECK_PLATFORMS: dict[str, frozenset[str]] = catalogue.default().platforms()


class PlanError(ValueError):
    pass


def _unknown_check(check: Any, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(str(check), list(known), n=1)
    return f"unknown check {check!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def plan_errors(plan: Any) -> list[str]:
    """Every problem of ``inspection_plan``: unknown classes' shapes, profiles and check ids."""
    known = catalogue.default().checks
    if not isinstance(plan, dict):
        return [f"inspection_plan: expected a mapping of device class to profiles, got {type(plan).__name__}"]
    errors = []
    for cls, profiles in plan.items():
        if not isinstance(profiles, dict):
            errors.append(f"inspection_plan.{cls}: must map profiles to check lists")
            continue
        for profile, checks in profiles.items():
            if profile not in PROFILES:
                errors.append(
                    f"inspection_plan.{cls}.{profile}: unknown profile (known: {', '.join(PROFILES)})"
                )
                continue
            if checks is not None and not isinstance(checks, list):
                errors.append(
                    f"inspection_plan.{cls}.{profile}: expected a list of check ids, got {checks!r}"
                )
                continue
            errors += [
                f"inspection_plan.{cls}.{profile}: {_unknown_check(c, known)}"
                for c in checks or []
                if c not in known
            ]
    return errors


def validate(plan: dict[str, Any], thresholds: dict[str, Any]) -> None:
    """Raise PlanError naming the class, profile and check of anything unknown, and every threshold
    whose value does not have its declared type."""
    errors = plan_errors(plan) + (threshold_errors(thresholds) if thresholds else [])
    if errors:
        raise PlanError("; ".join(errors))


def cli_errors(commands: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """Every CLI reading a catalogue check needs that the vendor module of a platform providing the
    check does not issue (without it the check would be 未检 on every such device). ``commands``:
    platform → {reading: command}, by default every vendor module's ``inspection_commands``."""
    if commands is None:
        commands = {p: vendors.get(p).inspection_commands for p in vendors.platforms()}
    errors = []
    for spec in catalogue.default().checks.values():
        source, _, command = spec.reading.partition(".")
        if source != "cli":
            continue
        for platform in sorted(spec.platforms):
            if command not in (commands.get(platform) or {}):
                errors.append(
                    f"courtops/vendors/{platform}: no inspection command {command!r}, which check {spec.id} reads"
                )
    return errors


def run_errors(variables: dict[str, Any]) -> list[str]:
    """Everything wrong with the inspection variables of a run (plan, thresholds, settings), as the
    start of playbooks/inspect.yml checks them — before any host is contacted."""
    return (
        plan_errors(variables.get("inspection_plan"))
        + threshold_errors(variables.get("inspection_thresholds"))
        + setting_errors(variables)
        + cli_errors()
    )


def checks_for(plan: dict[str, Any], cls: str, platform: str, profile: str) -> list[str]:
    """The checks a host of this class and platform gets in this profile (cumulative profiles)."""
    if profile not in PROFILES:
        raise PlanError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    known = catalogue.default().checks
    wanted: list[str] = []
    for step in PROFILES[: PROFILES.index(profile) + 1]:
        for check in (plan.get(cls) or {}).get(step) or []:
            if check not in known:  # never dropped silently: the run's start check refuses it first
                raise PlanError(f"inspection_plan.{cls}.{step}: {_unknown_check(check, known)}")
            if check not in wanted:
                wanted.append(check)
    return [c for c in wanted if platform in known[c].platforms]


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
    errors = run_errors(data)
    if errors:
        raise PlanError("; ".join(errors))
    return data


def plan_document(data: dict[str, Any]) -> str:
    """The plan as a Markdown document (巡检计划)."""
    cat = catalogue.default()
    titles = cat.titles()
    lines = ["# 巡检计划 / inspection plan", ""]
    lines.append("| 设备类别 | 月度巡检 | 季度巡检（另加） | 年度巡检（另加） |")
    lines.append("|---|---|---|---|")
    for cls, profiles in data["inspection_plan"].items():
        cells = ["、".join(titles.get(c, c) for c in (profiles.get(p) or [])) or "—" for p in PROFILES]
        lines.append(f"| {cls} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## 巡检项 / checks (inspection/checks.yml)",
        "",
        "| 巡检项 | 名称 | 适用平台 | 读数 | 阈值 |",
    ]
    lines.append("|---|---|---|---|---|")
    for check in cat.checks.values():
        platforms = "、".join(p for p in catalogue.PLATFORMS if p in check.platforms)
        used = "、".join(check.thresholds) or "—"
        lines.append(f"| {check.id} | {check.title} | {platforms} | {check.reading} | {used} |")
    lines += ["", "## 判定阈值 / thresholds", "", "读数达到（等于）阈值即按该阈值判定。", ""]
    lines += ["| 指标 | 名称 | 告警 | 故障 |", "|---|---|---|---|"]
    for name, limits in data["inspection_thresholds"].items():
        spec = cat.thresholds[name]
        sign = "≤" if spec.lower_is_worse else "≥"
        cells = [f"{sign} {limits[k]}" if limits.get(k) is not None else "—" for k in ("warn", "fault")]
        lines.append(f"| {name} | {spec.title} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"
