"""Backup rules of the network platforms, built from each vendor module's hooks.

A vendor module declares ``backup_commands`` (the configuration command first), ``config_end_marker``,
``cli_error_markers``, ``volatile_lines`` and ``secret_rules``; this module turns them into a
``PlatformRules``. Nothing vendor-specific is written here: a new vendor module that fills its hooks is
backed up the same way.

A network device is one file in the repository, as RANCID keeps it: the version and inventory facts
first as comment lines (``#`` on VRP and Comware, ``!`` on IOS), then the configuration, so facts and
configuration are diffed apart yet read together.
"""

from __future__ import annotations

import re

from courtops import secrets, vendors
from courtops.backup.rules import PlatformRules
from courtops.vendors.base import Vendor

#: Control characters some CLIs mix into outputs: NUL and BEL (Comware, #1094), cursor moves
#: ESC[1D and other ANSI sequences (VRP, as netmiko strips them).
_CONTROL = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\x00\x07]")
#: The comment character of each platform's configuration files (``#`` unless listed).
COMMENT = {"ios": "!"}
CONTENT_TYPE = "COURTOPS-CONTENT-TYPE"


def file_name(vendor: Vendor, command: str) -> str:
    """The name a command's output has in a capture: ``config``, ``version``, else the command
    as a name (``display-device-manuinfo``, ``show-inventory``)."""
    if command == vendor.config_command:
        return "config"
    if command == vendor.version_command:
        return "version"
    return re.sub(r"[^a-z0-9]+", "-", command.lower()).strip("-")


def files_for(vendor: Vendor) -> dict[str, str]:
    """Capture file name → the command that fills it, in the vendor's order (configuration first)."""
    return {file_name(vendor, c): c for c in vendor.backup_commands}


def clean_lines(text: str) -> list[str]:
    """The output's lines: CR and control characters removed, trailing blanks cut (the Comware 7
    ``# `` flap, #3631), leading and trailing empty lines dropped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _normaliser(vendor: Vendor):  # type: ignore[no-untyped-def]
    volatile = vendor.volatile_lines

    def normalise(relpath: str, text: str) -> str:
        kept = [line for line in clean_lines(text) if not any(p.search(line) for p in volatile)]
        while kept and not kept[0]:  # a dropped head (IOS "Building configuration…") leaves blanks
            kept.pop(0)
        return "\n".join(kept) + "\n" if kept else ""

    return normalise


def _validator(vendor: Vendor):  # type: ignore[no-untyped-def]
    expected = files_for(vendor)

    def validate(files: dict[str, str]) -> list[str]:
        reasons: list[str] = []
        for name, command in expected.items():
            text = files.get(name)
            if text is None:
                reasons.append(f"缺少 {command} 的输出")
                continue
            for line in clean_lines(text):
                if any(p.search(line) for p in vendor.cli_error_markers):
                    reasons.append(f"{command} 返回错误：{line.strip()[:120]}")
                    break
        config = files.get("config")
        if config is not None:
            lines = clean_lines(config)
            if not lines:
                reasons.append(f"{vendor.config_command} 输出为空")
            elif vendor.config_end_marker and lines[-1].strip() != vendor.config_end_marker:
                reasons.append(
                    f"配置不完整：{vendor.config_command} 未以结束标记 {vendor.config_end_marker!r} 结尾"
                    f"（最后一行：{lines[-1].strip()[:80]!r}）"
                )
        return reasons

    return validate


def _renderer(vendor: Vendor):  # type: ignore[no-untyped-def]
    c = COMMENT.get(vendor.platform, "#")
    facts = [(n, cmd) for n, cmd in files_for(vendor).items() if n != "config"]

    def render(files: dict[str, str]) -> dict[str, str]:
        head = [f"{c}{CONTENT_TYPE}: {vendor.platform}", c]
        for name, command in facts:
            head.append(f"{c} == {command} ==")
            head += [f"{c} {line}".rstrip() for line in clean_lines(files.get(name, ""))]
            head.append(c)
        return {"": "\n".join(head) + "\n" + files.get("config", "")}

    return render


def rules(vendor: Vendor) -> PlatformRules:
    return PlatformRules(
        platform=vendor.platform,
        validate=_validator(vendor),
        normalise=_normaliser(vendor),
        secret_rules=tuple(secrets.rules_for(vendor.platform)),  # generic forms (crypt hashes, keys) too
        render=_renderer(vendor),
        size_basis=("config",),
    )


def all_rules() -> list[PlatformRules]:
    """The rules of every vendor that declares backup commands."""
    return [rules(v) for v in vendors.registry().values() if v.backup_commands]
