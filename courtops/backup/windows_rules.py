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


def problems(backup: Mapping[str, Any]) -> list[str]:
    """Why this Windows backup is incomplete (empty: complete)."""
    if not isinstance(backup, Mapping) or backup.get("collector") != "courtops_backup_windows":
        return ["不是 courtops_backup_windows 的输出"]
    found = [str(e) for e in backup.get("errors") or []]
    secedit = _text(backup.get("secedit"))
    missing = [s for s in SECEDIT_SECTIONS if s not in secedit]
    if secedit and missing:
        found.append(f"secedit 导出不完整，缺少 {'、'.join(missing)}")
    audit = _text(backup.get("auditpol"))
    if audit and not audit_rows(audit):
        found.append("auditpol 备份没有任何审核策略行")
    return found


def audit_rows(text: str) -> list[dict[str, str]]:
    """The rows of an ``auditpol /backup`` CSV (Machine Name, Policy Target, Subcategory, Subcategory
    GUID, Inclusion Setting, Exclusion Setting, Setting Value); garbage gives []."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "Subcategory GUID" not in [f.strip() for f in reader.fieldnames]:
        return []
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def normalise(files: Mapping[str, str]) -> dict[str, str]:
    """Windows exports carry no clock or counter, so normalising is only their text form (``_text``)
    and the ``Machine Name`` column of the audit CSV, which a renamed or cloned host changes without
    any policy changing."""
    out = {name: _text(text) for name, text in files.items()}
    if "auditpol.csv" in out:
        out["auditpol.csv"] = re.sub(r"(?m)^[^,\n]+,(System|,)", r",\1", out["auditpol.csv"])
    return out


#: a secedit [Registry Values] line holding a REG_DWORD (type 4): a number is a policy setting, never a
#: secret, even when the value's name ends in a secret word (FilterAdministratorToken=4,1,
#: EnablePlainTextPassword=4,0): masking it would hide a policy change from the diff
_SECEDIT_DWORD = re.compile(r"^MACHINE\\[^=\n]+=4,-?\d+$")


def mask(files: Mapping[str, str], platform: str = "windows", key: bytes | None = None) -> dict[str, str]:
    rules = [*rules_for(platform), ARGUMENT_PASSWORD]
    out = {}
    for name, text in files.items():
        if name == "secedit.inf":
            lines = text.split("\n")
            out[name] = "\n".join(
                ln if _SECEDIT_DWORD.match(ln) else mask_text(ln, rules, key) for ln in lines
            )
        else:
            out[name] = mask_text(text, rules, key)
    return out
