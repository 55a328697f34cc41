"""What a vendor module declares: the ``Vendor`` record and the shapes its parsers return.

A vendor module (``courtops/vendors/vrp.py`` …) builds one ``VENDOR = Vendor(...)``. Everything the
project knows about that network OS lives there: CLI prompts and error lines, paging, the commands
each purpose runs, one parser per command output, defaults by software version, and the hooks the
backup / hardening / restore work fills (empty until then, never guessed).

Parsers are total: garbage, an error message or an empty string gives ``None`` (unknown), never an
exception and never a value that would read as healthy or compliant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

# One secret engine for the whole project: the vendor modules build their rules with it, Vendor.mask
# delegates to it, and courtops.secrets.rules_for(platform) includes every vendor's secret_rules.
from courtops.secrets import HIDDEN, SecretRule, mask_text, secret_rule
from courtops.vendors.restore import RestoreMethod

__all__ = [
    "HIDDEN",
    "Facts",
    "Interface",
    "SecretRule",
    "SoftwareVersion",
    "Vendor",
    "mask_text",
    "secret_rule",
]

Facts = dict[str, Any]
#: ``extract(evidence, facts, problems)``: fills ``net.*`` facts from ``{"commands": {cmd: text}}``.
Extractor = Callable[[dict[str, Any], Facts, list[str]], None]


class Interface(TypedDict):
    """One row of an interface table, in the terms both the audit and the inspection need."""

    name: str  # as the device prints it (GigabitEthernet1/0/0(10G), GE1/0/3, Gi1/0/3)
    admin: str  # "up" | "down": administratively enabled or shut
    oper: str  # "up" | "down": the port carries traffic (link and protocol up)
    link: str  # the physical link: "up" | "down" | "standby" | "admin-down"
    errors: int | None  # input + output error packets where the table shows them


@dataclass(frozen=True)
class SoftwareVersion:
    """A parsed software version: ``major`` keys the defaults (Comware 5 / 7, VRP 5 / 8, IOS 12 / 15 / 17)."""

    major: int
    text: str  # as printed, e.g. "7.1.070, Release 6616P01" or "5.170 (V200R019C10SPC500)"


def _unknown_version(text: str) -> SoftwareVersion | None:
    return None


def _no_interfaces(text: str) -> list[Interface] | None:
    return None


def _no_number(text: str) -> float | None:
    return None


def _no_bool(text: str) -> bool | None:
    return None


def _no_lines(text: str) -> list[str] | None:
    return None


def _no_extract(evidence: dict[str, Any], facts: Facts, problems: list[str]) -> None:
    problems.append("该厂商未声明等保证据解析")


@dataclass(frozen=True)
class Vendor:
    """Everything about one network OS. Field order: identity, CLI, commands, parsers, hooks."""

    # -- identity ---------------------------------------------------------------------------------
    platform: str  # the ledger platform code and inventory group (vrp, comware, ios)
    title: str  # for the court's reports: 华为 VRP
    network_os: str  # ansible_network_os (our plugin name, or a collection's FQCN)
    #: ledger spellings of the platform (Chinese and English) besides its code
    aliases: tuple[str, ...] = ()
    #: the cliconf/terminal plugins are ours (plugins/cliconf/<platform>.py) or a collection's
    own_plugins: bool = True

    # -- CLI: prompts, errors, paging (read by plugins/terminal/<platform>.py) ---------------------
    prompts: tuple[re.Pattern[bytes], ...] = ()
    #: lines that mean the device refused a command (the terminal plugin fails the command)
    terminal_errors: tuple[re.Pattern[bytes], ...] = ()
    #: sent once after login so long outputs arrive without --More-- pauses
    paging_off: tuple[str, ...] = ()
    version_command: str = ""
    config_command: str = ""
    #: the saved (startup) configuration, for cliconf's get_config(source="startup")
    saved_config_command: str = ""
    #: the device model in `version_command` output and the hostname line of the configuration
    #: (group 1 each), for cliconf's get_device_info
    model_pattern: re.Pattern[str] | None = None
    hostname_pattern: re.Pattern[str] | None = None

    # -- commands per purpose ----------------------------------------------------------------------
    #: 等保 audit evidence: read-only commands whose outputs `extract` reads
    audit_commands: tuple[str, ...] = ()
    #: inspection readings: reading name (cpu, memory, version, interfaces, ntp, environment, alarms)
    #: -> command; the judge parses each reading with the parser of the same purpose below
    inspection_commands: Mapping[str, str] = field(default_factory=dict)

    # -- parsers: one per command output, shared by audit and inspection --------------------------
    version: Callable[[str], SoftwareVersion | None] = _unknown_version
    interfaces: Callable[[str], list[Interface] | None] = _no_interfaces
    cpu_pct: Callable[[str], float | None] = _no_number
    memory_pct: Callable[[str], float | None] = _no_number
    uptime_seconds: Callable[[str], float | None] = _no_number
    ntp_synchronized: Callable[[str], bool | None] = _no_bool
    environment_problems: Callable[[str], list[str] | None] = _no_lines
    alarms: Callable[[str], list[str] | None] = _no_lines
    #: 等保 evidence: all audit command outputs -> ``net.*`` facts (courtops/evidence/network.py)
    extract: Extractor = _no_extract

    # -- defaults by software version --------------------------------------------------------------
    #: major version -> fact name -> the vendor's documented default when the configuration says
    #: nothing. A version not listed (or not parsed) has no defaults: the fact stays absent (待人工).
    defaults: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)

    # -- hooks filled by the backup, secret-policy, hardening and restore work ----------------------
    #: commands whose outputs make up a backup (empty: backup not yet implemented for this vendor)
    backup_commands: tuple[str, ...] = ()
    #: the last line of a complete configuration (`return` on VRP/Comware, `end` on IOS); a backup
    #: that does not end with it is truncated
    config_end_marker: str | None = None
    #: lines in a command output that mean the command failed (an output holding one is not evidence)
    cli_error_markers: tuple[re.Pattern[str], ...] = ()
    #: lines that change on every read (clock, uptime) and are dropped before comparing backups;
    #: empty until the backup work declares them
    volatile_lines: tuple[re.Pattern[str], ...] = ()
    #: the vendor's secret forms (passwords, keys, communities, ciphertext and hashes), masked with
    #: ``courtops.secrets.mask_text``; ``courtops.secrets.rules_for(platform)`` includes them, so the
    #: recorder, the evaluator and the dengbao action apply them to everything this vendor returns
    secret_rules: tuple[SecretRule, ...] = ()
    #: (enter, leave) configuration mode: ("system-view", "return"), ("configure terminal", "end")
    config_mode: tuple[str, str] | None = None
    #: the configuration prints global lines with one leading space after a ``#`` (Comware), so the
    #: configuration diff must unindent them before comparing (courtops/cliconf_diff.py)
    config_global_indent: bool = False
    #: how a saved configuration is put back (courtops/vendors/restore.py); None: no restore for
    #: this vendor (playbooks/restore.yml refuses it)
    restore: RestoreMethod | None = None

    def defaults_for(self, version: SoftwareVersion | None) -> Mapping[str, Any]:
        """The documented defaults of this software version; empty for an unknown version."""
        if version is None:
            return {}
        return self.defaults.get(version.major, {})

    def mask(self, text: str, key: bytes | None = None) -> str:
        """``text`` with every secret form of this vendor masked (``courtops.secrets.mask_text``; with
        ``key``, each secret becomes a keyed fingerprint)."""
        return mask_text(text, self.secret_rules, key)

    def is_cli_error(self, text: str) -> bool:
        """The output is the device refusing the command (not evidence of anything)."""
        return any(p.search(text) for p in self.cli_error_markers)
