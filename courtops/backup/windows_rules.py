"""Backup rules for Windows hosts (platform ``windows``).

``courtops_backup_windows.ps1`` returns, in one call, the ``secedit /export`` INF, the ``auditpol /backup``
CSV, installed roles and features, installed software and scheduled-task XML. Here that result becomes
the files of one backup, is checked for completeness, normalised and masked, as for Linux
(``courtops.backup.server_rules``). No Windows host runs here: these functions are tested on recorded
real outputs (docs/backup.md says which).

Layout of a Windows backup (a directory per host):

    secedit.inf           local security policy (UTF-16 export, stored as UTF-8 text with LF)
    auditpol.csv          advanced audit policy, auditpol /backup format (auditpol /restore reads it)
    features.txt          installed roles / enabled optional features, one per line, sorted
    software.txt          installed software: name | version | publisher, sorted
    tasks/<path>/<name>.xml   each scheduled task's definition
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

from courtops.backup.rules import PlatformRules, register
from courtops.secrets import SecretRule, mask_text, rules_for

PLATFORMS = ("windows",)
#: the secedit sections a complete export has (an export that lacks them is not a policy backup)
SECEDIT_SECTIONS = ("[Unicode]", "[System Access]", "[Version]")
_UNSAFE = re.compile(r"[^\w.\- ]")
#: a password given on a task's command line (``-Password X``, ``/p X``, ``-pw X``; not ``-p``, a port as often as a password): task XML keeps
#: the arguments as typed, and the generic ``key = value`` rule does not see a space-separated value
ARGUMENT_PASSWORD = SecretRule(
    "cmdline.password",
    r"((?:^|\s)(?:-{1,2}(?:password|passwd|pwd|pw)|/(?:password|pwd|pw|p))(?:\s+|:))(?P<secret>[^\s<\"']+)",
    flags=re.I,
    hint=r"(?:-|/)(?:password|passwd|pwd|pw|p)\b",
)


def _text(value: Any) -> str:
    """Windows text as stored: no BOM, LF line ends, one final newline."""
    text = str(value or "").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


def _task_file(task: str) -> str:
    parts = [p for p in task.replace("\\", "/").split("/") if p]
    return "tasks/" + "/".join(_UNSAFE.sub("_", p) for p in parts) + ".xml"


def files_of(backup: Mapping[str, Any]) -> dict[str, str]:
    """The files of one Windows backup, unmasked (what the encrypted full copy keeps)."""
    out = {"secedit.inf": _text(backup.get("secedit")), "auditpol.csv": _text(backup.get("auditpol"))}
    features = sorted({f"{f.get('name')} ({f.get('state')})" for f in backup.get("features") or []})
    out["features.txt"] = "".join(f"{f}\n" for f in features)
    rows = sorted(
        {
            f"{s.get('name')} | {s.get('version') or ''} | {s.get('publisher') or ''}"
            for s in backup.get("software") or []
        }
    )
    out["software.txt"] = "".join(f"{r}\n" for r in rows)
    for task, xml in sorted((backup.get("tasks") or {}).items()):
        out[_task_file(task)] = _text(xml)
    return out


def errors_of(backup: Mapping[str, Any]) -> tuple[str, ...]:
    """What the collector could not read (the Capture's ``errors``)."""
    if not isinstance(backup, Mapping) or backup.get("collector") != "courtops_backup_windows":
        return ("不是 courtops_backup_windows 的输出",)
    return tuple(str(e) for e in backup.get("errors") or [])


def validate(files: Mapping[str, str]) -> list[str]:
    """Why these Windows backup files are incomplete (empty: complete)."""
    found = []
    secedit = files.get("secedit.inf", "")
    missing = [s for s in SECEDIT_SECTIONS if s not in secedit]
    if missing:
        found.append(f"secedit 导出不完整，缺少 {'、'.join(missing)}")
    if not audit_rows(files.get("auditpol.csv", "")):
        found.append("auditpol 备份没有任何审核策略行")
    return found


def problems(backup: Mapping[str, Any]) -> list[str]:
    """Everything that keeps this Windows backup from being accepted (empty: complete)."""
    errors = errors_of(backup)
    if errors[:1] == ("不是 courtops_backup_windows 的输出",):
        return list(errors)
    return [*errors, *validate(files_of(backup))]


def audit_rows(text: str) -> list[dict[str, str]]:
    """The rows of an ``auditpol /backup`` CSV (Machine Name, Policy Target, Subcategory, Subcategory
    GUID, Inclusion Setting, Exclusion Setting, Setting Value); garbage gives []."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "Subcategory GUID" not in [f.strip() for f in reader.fieldnames]:
        return []
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def normalise_file(relpath: str, text: str) -> str:
    """Windows exports carry no clock or counter, so normalising is only their text form (``_text``)
    and the ``Machine Name`` column of the audit CSV, which a renamed or cloned host changes without
    any policy changing."""
    text = _text(text)
    if relpath == "auditpol.csv":
        text = re.sub(r"(?m)^[^,\n]+,(System|,)", r",\1", text)
    return text


def normalise(files: Mapping[str, str]) -> dict[str, str]:
    return {name: normalise_file(name, text) for name, text in files.items()}


def secret_rules(platform: str = "windows") -> tuple[SecretRule, ...]:
    """The platform's rules, with the generic ``key = value`` rule told to leave a secedit
    ``[Registry Values]`` REG_DWORD alone (``FilterAdministratorToken=4,1``,
    ``EnablePlainTextPassword=4,0``): a number is a policy setting, not a secret, and masking it would
    hide a policy change from the diff. A REG_SZ value (``DefaultPassword=1,"…"``) is still masked."""
    out: list[SecretRule] = []
    for rule in rules_for(platform):
        if rule.name == "assignment.secret":
            pattern = rule.pattern.pattern.replace("(?P<q>", r"(?!4,-?\d+[ \t]*$)(?P<q>", 1)
            rule = SecretRule(
                rule.name,
                pattern,
                rule.replacement,
                rule.keep_keys,
                flags=rule.pattern.flags | re.M,
                hint=rule.hint.pattern if rule.hint else None,
            )
        out.append(rule)
    return (*out, ARGUMENT_PASSWORD)


def platform_rules(platform: str = "windows") -> PlatformRules:
    return PlatformRules(
        platform=platform,
        validate=lambda files: validate(files),
        normalise=normalise_file,
        secret_rules=secret_rules(platform),
    )


def mask(files: Mapping[str, str], platform: str = "windows", key: bytes | None = None) -> dict[str, str]:
    rules = platform_rules(platform)
    return {name: mask_text(text, rules.secrets_for(name), key) for name, text in files.items()}


for _platform in PLATFORMS:
    register(platform_rules(_platform))
