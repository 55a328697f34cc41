"""Windows (10 / Server 2016+, PS 5.1 collector): evidence -> ``win.*`` facts.

Evidence shape: what library/courtops_win_collect.ps1 returns. ``secedit`` is the INF text of
``secedit /export`` (bytes are accepted too: the export is UTF-16LE); ``auditpol`` is the CSV of
``auditpol /get /category:* /r`` (or an ``audit.csv`` backup). Audit subcategories are matched
by GUID because their names are localized on zh-CN Windows; accounts by SID suffix (-500 …).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from courtops.secrets import clip, rules_for

#: Legacy audit category (secedit [Event Audit] key) -> subcategory GUID prefixes (0CCE92xx).
AUDIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "AuditSystemEvents": ("10", "11", "12", "13", "14"),
    "AuditLogonEvents": ("15", "16", "17", "18", "19", "1A", "1B", "1C", "43", "47", "49"),
    "AuditObjectAccess": ("1D", "1E", "1F", "20", "21", "22", "23", "24", "25", "26", "27", "44", "45", "46"),
    "AuditPrivilegeUse": ("28", "29", "2A"),
    "AuditProcessTracking": ("2B", "2C", "2D", "2E", "4A", "4B"),
    "AuditPolicyChange": ("2F", "30", "31", "32", "33", "34"),
    "AuditAccountManage": ("35", "36", "37", "38", "39", "3A"),
    "AuditDSAccess": ("3B", "3C", "3D", "3E"),
    "AuditAccountLogon": ("3F", "40", "41", "42"),
}
_GUID = re.compile(r"\{?0CCE92([0-9A-F]{2})-69AE-11D9-BED3-505054503030\}?", re.I)
#: Inclusion Setting text -> (success, failure); en-US and zh-CN.
_SETTING = {
    "success and failure": (True, True),
    "success": (True, False),
    "failure": (False, True),
    "no auditing": (False, False),
    "成功和失败": (True, True),
    "成功": (True, False),
    "失败": (False, True),
    "无审核": (False, False),
    "不审核": (False, False),
}

# Registry values the catalogue reads (the PowerShell collector must return each of them;
# tests/unit/test_powershell_grammar.py checks that it does, from the script's parse tree).
P_SYS = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System"
P_LSA = r"HKLM\SYSTEM\CurrentControlSet\Control\Lsa"
P_TS_POL = r"HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services"
P_TS = r"HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server"
P_LANMAN = r"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"
REGISTRY_VALUES = (
    r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\AutoAdminLogon",
    P_LSA + r"\LimitBlankPasswordUse",
    P_LSA + r"\RestrictAnonymous",
    P_LSA + r"\RestrictAnonymousSAM",
    P_LSA + r"\EveryoneIncludesAnonymous",
    P_LSA + r"\NoLMHash",
    P_LSA + r"\SCENoApplyLegacyAuditPolicy",
    P_SYS + r"\InactivityTimeoutSecs",
    P_SYS + r"\DontDisplayLastUserName",
    r"HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop\ScreenSaveActive",
    r"HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop\ScreenSaverIsSecure",
    r"HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop\ScreenSaveTimeOut",
    P_TS + r"\fDenyTSConnections",
    P_TS_POL + r"\SecurityLayer",
    P_TS_POL + r"\UserAuthentication",
    P_TS + r"\WinStations\RDP-Tcp\SecurityLayer",
    P_TS + r"\WinStations\RDP-Tcp\UserAuthentication",
    P_LANMAN + r"\AutoShareWks",
    P_LANMAN + r"\AutoShareServer",
    P_LANMAN + r"\RequireSecuritySignature",
    r"HKLM\SOFTWARE\Policies\Microsoft\Windows\EventLog\Security\MaxSize",
    r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Security\MaxSize",
    r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\RestrictGuestAccess",
    r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Security\RestrictGuestAccess",
    r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\System\RestrictGuestAccess",
    r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management\ClearPageFileAtShutdown",
)


def decode_text(data: Any) -> str | None:
    """secedit exports are UTF-16LE with a BOM; audit CSVs are ANSI/UTF-8. Accept either."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16").lstrip("\ufeff")
        if len(raw) > 1 and raw[1:2] == b"\x00":
            return raw.decode("utf-16-le", errors="replace")
        for enc in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                continue
    return None


def parse_inf(text: str) -> dict[str, dict[str, str]]:
    """secedit INF -> {section: {key: value}}; keys as written, values stripped of quotes."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        if current is not None and "=" in line:
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip().strip('"').strip()
    return sections


def parse_auditpol(text: str) -> dict[str, tuple[bool, bool]]:
    """auditpol /r CSV (or audit.csv backup) -> {GUID byte 'xx': (success, failure)}."""
    out: dict[str, tuple[bool, bool]] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header or len(header) < 5:
        raise ValueError("auditpol CSV has no header")
    for row in reader:
        if len(row) < 5:
            continue
        m = _GUID.fullmatch(row[3].strip())
        if not m:
            continue
        setting = None
        if len(row) >= 7 and row[6].strip().isdigit():
            v = int(row[6])
            setting = (bool(v & 1), bool(v & 2))
        else:
            setting = _SETTING.get(row[4].strip().lower())
        if setting is None:
            raise ValueError(f"auditpol: unknown setting {row[4]!r}")
        out[m.group(1).upper()] = setting
    if not out:
        raise ValueError("auditpol CSV has no subcategory rows")
    if len(header) < 7 and len(out) < 50:
        # `/get /category:* /r` lists every subcategory (53 on Windows 7, 59 on Windows 10);
        # fewer rows is a partial query, which cannot show the whole policy.
        raise ValueError(f"auditpol /r 输出只有 {len(out)} 个子类别，不是 /category:* 的完整输出")
    return out


def _int(x: Any) -> int | None:
    try:
        return int(str(x).strip().strip('"'), 0) if not isinstance(x, bool) else int(x)
    except (TypeError, ValueError):
        return None


def _records(x: Any) -> list[dict[str, Any]] | None:
    """A list of objects as the collector returns it; anything else (garbage) -> None."""
    if isinstance(x, list) and all(isinstance(i, dict) for i in x):
        return x
    return None


def _reg_from_inf(values: dict[str, str]) -> dict[str, Any]:
    """[Registry Values] 'MACHINE\\path\\name' = 'type,value' -> registry dict (HKLM\\…)."""
    out: dict[str, Any] = {}
    for key, raw in values.items():
        _, _, value = raw.partition(",")
        path = re.sub(r"^MACHINE\\", "HKLM\\\\", key)
        out[path.lower()] = value.strip('"')
    return out


def extract(ev: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    collected = ev.get("collected_at") if isinstance(ev.get("collected_at"), int | float) else None
    reg: dict[str, Any] = {}
    inf: dict[str, dict[str, str]] = {}
    if "secedit" in ev:
        text = decode_text(ev["secedit"])
        if text is None or "[System Access]" not in text:
            problems.append("secedit 导出无法解析")
        else:
            inf = parse_inf(text)
            reg.update(_reg_from_inf(inf.get("Registry Values", {})))
    if isinstance(ev.get("registry"), dict):  # live reads win over the template
        reg.update({str(k).lower(): v for k, v in ev["registry"].items()})

    live = isinstance(ev.get("registry"), dict)
    missing = object()

    def r(path: str) -> Any:
        """A registry value; None = absent on the live host (Windows default applies).
        Absent from a security template alone = not defined there -> unknown (missing)."""
        v = reg.get(path.lower(), None if live else missing)
        return _int(v) if v is not None and v is not missing and _int(v) is not None else v

    def put(fact: str, value: Any) -> None:
        if value is not missing:
            facts[fact] = value

    sa = inf.get("System Access", {})
    if sa:
        for key, fact in (
            ("PasswordComplexity", "password_complexity"),
            ("MinimumPasswordLength", "min_password_length"),
            ("MaximumPasswordAge", "max_password_age"),
            ("MinimumPasswordAge", "min_password_age"),
            ("PasswordHistorySize", "password_history"),
            ("ClearTextPassword", "cleartext_password"),
            ("LockoutBadCount", "lockout_bad_count"),
            ("ResetLockoutCount", "reset_lockout_count"),
            ("LockoutDuration", "lockout_duration"),
        ):
            if key not in sa:  # not in the export / not defined by the template: unknown
                continue
            value = _int(sa.get(key))
            if key == "LockoutDuration" and value == -1:
                value = 99999  # -1: locked until an administrator unlocks
            if key in ("ResetLockoutCount", "LockoutDuration") and _int(sa.get("LockoutBadCount")) == 0:
                value = None  # no lockout at all: the durations are meaningless
            facts["win." + fact] = value
    privs = inf.get("Privilege Rights")
    if privs is not None and "SeSecurityPrivilege" in privs:  # absent in a GPO template = not defined
        holders = privs.get("SeSecurityPrivilege", "")
        facts["win.security_privilege_holders"] = [h.strip() for h in holders.split(",") if h.strip()]

    if reg or "registry" in ev:
        auto = r(REGISTRY_VALUES[0])
        facts["win.autoadminlogon"] = 0 if auto in (None, missing, "") else auto
        for name, fact in (
            ("LimitBlankPasswordUse", "limit_blank_password_use"),
            ("RestrictAnonymous", "restrict_anonymous"),
            ("RestrictAnonymousSAM", "restrict_anonymous_sam"),
            ("EveryoneIncludesAnonymous", "everyone_includes_anonymous"),
            ("NoLMHash", "no_lm_hash"),
        ):
            put("win." + fact, r(P_LSA + "\\" + name))
        put("win.dont_display_last_user", r(P_SYS + r"\DontDisplayLastUserName"))
        put("win.clear_pagefile", r(REGISTRY_VALUES[-1]))
        put("win.smb_signing_required", r(P_LANMAN + r"\RequireSecuritySignature"))
        idle = r(P_SYS + r"\InactivityTimeoutSecs")
        desk = r"HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop"
        if isinstance(idle, int) and idle > 0:
            facts["win.idle_lock_s"] = idle
        elif r(desk + r"\ScreenSaveActive") == 1 and r(desk + r"\ScreenSaverIsSecure") == 1:
            put("win.idle_lock_s", r(desk + r"\ScreenSaveTimeOut"))
        elif live:
            facts["win.idle_lock_s"] = None
        deny = r(P_TS + r"\fDenyTSConnections")
        put("win.rdp_enabled", deny if deny is missing else deny == 0)
        layer = r(P_TS_POL + r"\SecurityLayer")
        put(
            "win.rdp_security_layer",
            layer if layer not in (None, missing) else r(P_TS + r"\WinStations\RDP-Tcp\SecurityLayer"),
        )
        nla = r(P_TS_POL + r"\UserAuthentication")
        put(
            "win.rdp_nla",
            nla if nla not in (None, missing) else r(P_TS + r"\WinStations\RDP-Tcp\UserAuthentication"),
        )
        pol = r(r"HKLM\SOFTWARE\Policies\Microsoft\Windows\EventLog\Security\MaxSize")
        raw = r(r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Security\MaxSize")
        if isinstance(pol, int):
            facts["win.security_log_max_kb"] = pol
        elif isinstance(raw, int):
            facts["win.security_log_max_kb"] = raw // 1024
        elif live:
            facts["win.security_log_max_kb"] = None
        guest = [
            r(rf"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\{n}\RestrictGuestAccess")
            for n in ("Application", "Security", "System")
        ]
        if missing not in guest:
            facts["win.eventlog_restrict_guest"] = (
                None if None in guest else min(g for g in guest if isinstance(g, int))
            )

    # audit policy: effective subcategory view if collected, else the legacy categories
    incomplete: list[str] | None = None
    if ev.get("auditpol"):
        text = decode_text(ev["auditpol"])
        try:
            sub = parse_auditpol(text or "")
            incomplete = []
            for cat, prefixes in AUDIT_CATEGORIES.items():
                s = any(sub.get(p, (False, False))[0] for p in prefixes)
                f = any(sub.get(p, (False, False))[1] for p in prefixes)
                if not (s and f):
                    incomplete.append(cat)
        except ValueError as exc:
            problems.append("auditpol 输出无法解析：" + clip(str(exc), 200, rules_for("windows")))
    elif "Event Audit" in inf:
        ea = inf["Event Audit"]
        incomplete = [c for c in AUDIT_CATEGORIES if _int(ea.get(c)) != 3]
    if incomplete is not None:
        facts["win.audit_categories_incomplete"] = incomplete

    users = _records(ev.get("users"))
    if users:
        ok = [u for u in users if "sid" in u]
        enabled = [u for u in ok if u.get("enabled")]
        facts["win.users_no_password_required"] = sorted(
            u.get("name", "?") for u in enabled if u.get("password_required") is False
        )
        facts["win.users_password_never_expires"] = sorted(
            u.get("name", "?") for u in enabled if u.get("password_expires") is False
        )
        by_rid = {str(u["sid"]).rsplit("-", 1)[-1]: u for u in ok}
        facts["win.guest_enabled"] = bool(by_rid.get("501", {}).get("enabled"))
        admin = by_rid.get("500")
        facts["win.builtin_admin_default"] = bool(
            admin and admin.get("enabled") and str(admin.get("name", "")).lower() == "administrator"
        )
        facts["win.default_accounts_enabled"] = sorted(
            by_rid[r_]["name"] for r_ in ("503", "504") if by_rid.get(r_, {}).get("enabled")
        )
        if collected is not None:
            idle_days: dict[str, Any] = {}
            for u in enabled:
                last = u.get("last_logon")
                idle_days[u.get("name", "?")] = (
                    round((collected - last) / 86400, 1) if isinstance(last, int | float) else None
                )
            facts["win.enabled_user_idle_days"] = idle_days
    elif sa:
        facts["win.guest_enabled"] = _int(sa.get("EnableGuestAccount")) == 1

    services = ev.get("services")
    if isinstance(services, dict) and services and all(isinstance(v, dict) for v in services.values()):
        running = sorted(
            n
            for n, s in services.items()
            if isinstance(s, dict) and str(s.get("status", "")).lower() == "running"
        )
        facts["win.running_services"] = running
        facts["win.telnet_running"] = "TlntSvr" in running
        facts["win.w32time_running"] = "W32Time" in running
    shares = _records(ev.get("shares"))
    if shares is not None:
        names = shares
        facts["win.admin_shares"] = sorted(
            s["name"] for s in names if re.fullmatch(r"[A-Za-z]\$|ADMIN\$", str(s.get("name", "")))
        )
        facts["win.shares_everyone_full"] = sorted(s["name"] for s in names if s.get("everyone_full"))
    fw = ev.get("firewall")
    if isinstance(fw, dict) and _records(fw.get("profiles")) and _records(fw.get("rules") or []) is not None:
        profiles = fw.get("profiles") or []
        facts["win.firewall_profiles_off"] = sorted(
            p["name"] for p in profiles if isinstance(p, dict) and not p.get("enabled")
        )
        rules = fw.get("rules") or []
        facts["win.mgmt_rules_any"] = sorted(
            x["name"]
            for x in rules
            if isinstance(x, dict)
            and x.get("enabled")
            and re.match(r"(RemoteDesktop-|WINRM-HTTP)", str(x.get("name", "")))
            and str(x.get("remote_address", "Any")).strip() in ("Any", "*", "", "任何")
        )
    winrm = ev.get("winrm")
    if isinstance(winrm, dict) and "allow_unencrypted" in winrm:
        facts["win.winrm_allow_unencrypted"] = bool(winrm["allow_unencrypted"])
    if isinstance(ev.get("smb1"), bool):
        facts["win.smb1_enabled"] = ev["smb1"]
    hot = _records(ev.get("hotfixes"))
    if hot is not None and collected is not None:
        dates: list[float] = [
            h["installed_on"]
            for h in hot
            if isinstance(h, dict) and isinstance(h.get("installed_on"), int | float)
        ]
        facts["win.last_hotfix_age_days"] = round((collected - max(dates)) / 86400, 1) if dates else None
    av = _records(ev.get("av"))
    if av is not None and collected is not None:
        live_av = [a for a in av if isinstance(a, dict) and a.get("realtime")]
        facts["win.av_realtime"] = bool(live_av)
        sig = [a["signature_updated"] for a in live_av if isinstance(a.get("signature_updated"), int | float)]
        facts["win.av_signature_age_days"] = round((collected - max(sig)) / 86400, 1) if sig else None
