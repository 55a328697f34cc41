"""Huawei VRP, H3C Comware and Cisco IOS: configuration text -> ``net.*`` facts.

Evidence shape (from playbooks/audit.yml via ansible.netcommon.cli_command, or recorded):
``{"commands": {"display current-configuration": "...", "display interface brief": "...", ...}}``.
Vendor defaults are applied only where the vendor documents them and a wrong guess cannot
produce a false 符合; otherwise a fact without evidence is left absent (-> 待人工).
"""

from __future__ import annotations

import re
from typing import Any

_IP = r"(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]+:[0-9A-Fa-f:]*)"
_NEVER = 9999.0  # "idle-timeout 0 0": the session never times out
_DEFAULT_COMMUNITIES = {"public", "private"}


def _cmd(evidence: dict[str, Any], *names: str) -> str | None:
    cmds = evidence.get("commands")
    if isinstance(cmds, dict):
        for name in names:
            value = cmds.get(name)
            if isinstance(value, list):
                value = "\n".join(map(str, value))
            if isinstance(value, str) and value.strip():
                return value
    return None


def _blocks(text: str, header: re.Pattern[str]) -> list[tuple[re.Match[str], list[str]]]:
    """Sections whose first line matches ``header``; body = following indented lines."""
    out: list[tuple[re.Match[str], list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        m = header.match(line)
        if m:
            current = []
            out.append((m, current))
            continue
        if current is not None:
            if line.startswith((" ", "\t")) and line.strip():
                current.append(line.strip())
            else:
                current = None
    return out


def _idle_minutes(lines: list[str], keyword: str) -> float | None:
    for line in lines:
        m = re.match(rf"{keyword}\s+(\d+)(?:\s+(\d+))?", line)
        if m:
            minutes, seconds = int(m.group(1)), int(m.group(2) or 0)
            return _NEVER if minutes == 0 and seconds == 0 else minutes + seconds / 60
    return None


def _interfaces(text: str | None, down_words: set[str], admin_words: set[str]) -> list[str] | None:
    """Physical ports that are down but not administratively shut (unused yet open)."""
    if text is None:
        return None
    skip = re.compile(
        r"^(vlan|loop|null|inloop|reg|tunnel|nve|meth|m-ge|m-eth|mgmt|aux|eth-trunk|bridge|port-channel|dialer|cellular|virtual)",
        re.I,
    )
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2 or not re.match(r"^[A-Za-z][\w\-/.:()]*\d", parts[0]) or skip.match(parts[0]):
            continue
        if parts[0].lower() in ("interface",):
            continue
        status = " ".join(parts[1:4]).lower()
        first = parts[1].lower()
        if first in admin_words or "administratively" in status or "disabled" in status:
            continue
        if first in down_words or parts[1:2] == ["notconnect"] or re.search(r"\bnotconnect\b", line):
            out.append(parts[0].split("(")[0])
    return out


_ABBREV = (
    ("ten-gigabitethernet", "xge"),
    ("xgigabitethernet", "xge"),
    ("tengigabitethernet", "te"),
    ("fortygige", "fge"),
    ("gigabitethernet", "ge"),
    ("fastethernet", "fe"),
    ("ethernet", "eth"),
)


def _ifkey(name: str) -> str:
    """GigabitEthernet1/0/3 and GE1/0/3 name the same port."""
    key = name.lower()
    for long, short in _ABBREV:
        if key.startswith(long):
            return short + key[len(long) :]
    m = re.match(r"(gi|te|fa)(\d.*)$", key)  # IOS short forms Gi1/0/3, Te1/1/1, Fa0/1
    if m:
        return {"gi": "ge", "te": "te", "fa": "fe"}[m.group(1)] + m.group(2)
    return key


def _shut_in_config(config: str) -> set[str]:
    """Interfaces administratively shut in the configuration (authoritative over a status table)."""
    shut = set()
    for m, body in _blocks(config, re.compile(r"^interface (\S+)")):
        if "shutdown" in body:
            shut.add(_ifkey(m.group(1)))
    return shut


def _open_ports(ports: list[str] | None, config: str) -> list[str] | None:
    if ports is None:
        return None
    shut = _shut_in_config(config)
    return [p for p in ports if _ifkey(p) not in shut]


def _common_snmp(config: str, facts: dict[str, Any], pattern: str) -> None:
    names = [m.group(2) for m in re.finditer(pattern, config, re.M)]
    facts["net.snmp_communities"] = [
        "（密文）" if n.startswith("%^%#") or n.startswith("%$%$") else n for n in names
    ]
    facts["net.snmp_default_communities"] = sorted({n for n in names if n.lower() in _DEFAULT_COMMUNITIES})


# --------------------------------------------------------------------------- Huawei VRP
def extract_vrp(evidence: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    config = _cmd(evidence, "display current-configuration", "config")
    if config is None:
        problems.append("缺少 display current-configuration 输出")
        return
    users: dict[str, dict[str, Any]] = {}
    for m in re.finditer(r"^\s*local-user (\S+) (.*)$", config, re.M):
        name, rest = m.group(1), m.group(2)
        u = users.setdefault(name, {"ptype": None, "services": []})
        pm = re.match(r"password (irreversible-cipher|cipher|simple)\b", rest)
        if pm:
            u["ptype"] = pm.group(1)
        sm = re.match(r"service-type (.*)", rest)
        if sm:
            u["services"] = sm.group(1).split()
    facts["net.local_users"] = sorted(users)
    facts["net.users_weak_password_type"] = sorted(
        n for n, u in users.items() if u["ptype"] in ("cipher", "simple")
    )
    policy = _blocks(config, re.compile(r"^\s*local-aaa-user password policy administrator\s*$"))
    facts["net.password_policy_enabled"] = bool(policy) and not re.search(
        r"^\s*undo local-aaa-user password policy administrator", config, re.M
    )
    if policy:
        body = policy[0][1]
        expire = next((int(x.split()[-1]) for x in body if re.match(r"password expire \d+", x)), 90)
        history = next(
            (int(x.split()[-1]) for x in body if re.match(r"password history record number \d+", x)), 5
        )
        facts["net.password_max_age"] = expire or None  # "password expire 0" = never expires
        facts["net.password_history"] = history
    else:
        facts["net.password_max_age"] = None
        facts["net.password_history"] = None
    facts["net.password_min_length"] = None
    wrong = re.search(r"local-aaa-user wrong-password retry-interval \d+ retry-time (\d+)", config)
    block = re.search(r"local-user \S+ state block fail-times (\d+)", config)
    facts["net.lockout_attempts"] = int(wrong.group(1)) if wrong else (int(block.group(1)) if block else None)
    # VTY 16-20 are reserved for NMS users; an unconfigured block of them is not a login path.
    vtys = [
        (m, body)
        for m, body in _blocks(config, re.compile(r"^user-interface vty (\d+)"))
        if body or int(m.group(1)) < 16
    ]
    idle = [_idle_minutes(body, "idle-timeout") for _, body in vtys]
    facts["net.vty_idle_timeout_min"] = max((10.0 if i is None else i) for i in idle) if idle else 10.0
    protocols: set[str] = set()
    for _, body in vtys:
        p = next((x.split()[-1] for x in body if x.startswith("protocol inbound")), None)
        protocols.update(["telnet", "ssh"] if p in (None, "all") else [p])
    if vtys:  # no vty section at all (a fragment): no facts about remote login
        facts["net.vty_protocols"] = sorted(protocols)
        facts["net.vty_acl"] = all(any(re.match(r"acl (ipv6 )?\S+ inbound", x) for x in b) for _, b in vtys)
    status = _cmd(evidence, "display telnet server status")
    if status is not None:
        facts["net.telnet_enabled"] = bool(re.search(r"TELNET (IPv4 )?server\s*:\s*Enable", status, re.I))
    elif re.search(r"^\s*undo telnet (server enable|server-source)", config, re.M):
        facts["net.telnet_enabled"] = False
    elif re.search(r"^\s*telnet server enable", config, re.M):
        facts["net.telnet_enabled"] = True
    ssh = _cmd(evidence, "display ssh server status")
    if ssh is not None:
        facts["net.ssh_enabled"] = bool(re.search(r"Stelnet server\s*:\s*Enable", ssh, re.I))
    else:
        facts["net.ssh_enabled"] = bool(re.search(r"^\s*stelnet server enable", config, re.M))
    http = _cmd(evidence, "display http server")
    if http is not None:
        facts["net.http_enabled"] = bool(re.search(r"HTTP Server Status\s*:\s*enabled", http, re.I))
    elif re.search(r"^\s*undo http server enable", config, re.M):
        facts["net.http_enabled"] = False
    elif re.search(r"^\s*http server enable", config, re.M):
        facts["net.http_enabled"] = True
    facts["net.ftp_enabled"] = bool(re.search(r"^\s*ftp (ipv6 )?server enable", config, re.M))
    facts["net.risky_services"] = []
    _common_snmp(config, facts, r"^\s*snmp-agent community (read|write) (?:cipher )?(\S+)")
    facts["net.logging_enabled"] = not re.search(r"^\s*undo info-center enable", config, re.M)
    facts["net.loghosts"] = re.findall(rf"^\s*info-center loghost (?:source \S+ )?{_IP}", config, re.M)
    facts["net.ntp_servers"] = re.findall(rf"^\s*ntp-service unicast-server (?:ipv6 )?{_IP}", config, re.M)
    tz = re.search(r"^\s*clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    brief = _cmd(evidence, "display interface brief")
    ports = _open_ports(_interfaces(brief, {"down"}, {"*down", "^down"}), config)
    if ports is not None:
        facts["net.unused_ports_open"] = ports


# --------------------------------------------------------------------------- H3C Comware
def extract_comware(evidence: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    config = _cmd(evidence, "display current-configuration", "config")
    if config is None:
        problems.append("缺少 display current-configuration 输出")
        return
    config = config.replace("\r", "")
    users: dict[str, dict[str, Any]] = {}
    for m, body in _blocks(config, re.compile(r"^local-user (\S+)")):
        ptype = next((x.split()[1] for x in body if re.match(r"password (hash|cipher|simple) ", x)), None)
        services = next((x.split()[1:] for x in body if x.startswith("service-type ")), [])
        users[m.group(1)] = {"ptype": ptype, "services": services}
    facts["net.local_users"] = sorted(users)
    facts["net.users_weak_password_type"] = sorted(
        n for n, u in users.items() if u["ptype"] in ("cipher", "simple")
    )
    enabled = bool(re.search(r"^\s*password-control enable", config, re.M)) and not re.search(
        r"^\s*undo password-control enable", config, re.M
    )
    facts["net.password_policy_enabled"] = enabled

    def pc(pattern: str, default: int | None) -> int | None:
        m = re.search(rf"^\s*password-control {pattern}", config, re.M)
        return int(m.group(1)) if m else default

    # Comware 7 defaults once password control is enabled: length 10, aging 90, history 4,
    # login-attempt 3 (H3C 安全配置指导 "Password control"); without it none applies.
    facts["net.password_min_length"] = pc(r"length (\d+)", 10) if enabled else None
    facts["net.password_max_age"] = pc(r"aging (\d+)", 90) if enabled else None
    facts["net.password_history"] = pc(r"history (\d+)", 4) if enabled else None
    facts["net.lockout_attempts"] = pc(r"login-attempt (\d+)", 3) if enabled else None
    vtys = _blocks(config, re.compile(r"^(line|user-interface) vty \d+"))
    idle = [_idle_minutes(body, "idle-timeout") for _, body in vtys]
    facts["net.vty_idle_timeout_min"] = max((10.0 if i is None else i) for i in idle) if idle else 10.0
    protocols: set[str] = set()
    for _, body in vtys:
        p = next((x.split()[-1] for x in body if x.startswith("protocol inbound")), None)
        protocols.update(["telnet", "ssh"] if p in (None, "all") else [p])
    if vtys:
        facts["net.vty_protocols"] = sorted(protocols)
    vty_acl = bool(vtys) and all(any(re.match(r"acl (ipv6 )?\S+ inbound", x) for x in b) for _, b in vtys)
    facts["net.vty_acl"] = vty_acl or bool(re.search(r"^\s*ssh server acl \d+", config, re.M))
    # Comware 7: Telnet server disabled and HTTP disabled unless configured.
    facts["net.telnet_enabled"] = bool(re.search(r"^\s*telnet server enable", config, re.M))
    facts["net.ssh_enabled"] = bool(re.search(r"^\s*ssh server enable", config, re.M))
    facts["net.http_enabled"] = bool(re.search(r"^\s*ip http enable", config, re.M))
    facts["net.ftp_enabled"] = bool(re.search(r"^\s*ftp server enable", config, re.M))
    cleartext_users = sorted(n for n, u in users.items() if {"telnet", "ftp", "http"} & set(u["services"]))
    facts["net.risky_services"] = [f"local-user {n} 明文服务类型" for n in cleartext_users]
    _common_snmp(config, facts, r"^\s*snmp-agent community (read|write) (?:simple |cipher )?(\S+)")
    facts["net.logging_enabled"] = not re.search(r"^\s*undo info-center enable", config, re.M)
    facts["net.loghosts"] = re.findall(rf"^\s*info-center loghost (?:vpn-instance \S+ )?{_IP}", config, re.M)
    facts["net.ntp_servers"] = re.findall(
        rf"^\s*ntp-service unicast-server (?:vpn-instance \S+ )?{_IP}", config, re.M
    )
    tz = re.search(r"^\s*clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    ports = _open_ports(
        _interfaces(_cmd(evidence, "display interface brief"), {"down"}, {"adm", "stby"}), config
    )
    if ports is not None:
        facts["net.unused_ports_open"] = ports


# --------------------------------------------------------------------------- Cisco IOS
def extract_ios(evidence: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    config = _cmd(evidence, "show running-config", "config")
    if config is None:
        problems.append("缺少 show running-config 输出")
        return
    config = config.replace("\r", "")
    users = {}
    for m in re.finditer(r"^username (\S+)(.*)$", config, re.M):
        rest = m.group(2)
        kind = (
            "secret"
            if re.search(r"\bsecret\b", rest)
            else ("password" if re.search(r"\bpassword\b", rest) else "none")
        )
        users[m.group(1)] = kind
    facts["net.local_users"] = sorted(users)
    facts["net.users_weak_password_type"] = sorted(n for n, k in users.items() if k == "password")
    facts["net.enable_password_cleartext"] = bool(re.search(r"^enable password ", config, re.M))
    minlen = re.search(r"^security passwords min-length (\d+)", config, re.M)
    facts["net.password_min_length"] = int(minlen.group(1)) if minlen else None
    facts["net.password_policy_enabled"] = minlen is not None
    facts["net.password_max_age"] = None
    block = re.search(r"^login block-for \d+ attempts (\d+) within \d+", config, re.M)
    facts["net.lockout_attempts"] = int(block.group(1)) if block else None
    vtys = _blocks(config, re.compile(r"^line vty \d+"))
    idle = [_idle_minutes(body, "exec-timeout") for _, body in vtys]
    facts["net.vty_idle_timeout_min"] = max((10.0 if i is None else i) for i in idle) if idle else 10.0
    protocols: set[str] = set()
    explicit = True
    for _, body in vtys:
        t = next((x.split()[2:] for x in body if x.startswith("transport input")), None)
        if t is None:
            explicit = False  # the default differs between IOS releases: no guess
            continue
        protocols.update(["telnet", "ssh"] if "all" in t else [p for p in t if p != "none"])
    if vtys and explicit:
        facts["net.vty_protocols"] = sorted(protocols)
        facts["net.telnet_enabled"] = "telnet" in protocols
    elif "telnet" in protocols:
        facts["net.telnet_enabled"] = True
    facts["net.ssh_enabled"] = bool(re.search(r"^ip ssh ", config, re.M) or "ssh" in protocols)
    if vtys:
        facts["net.vty_acl"] = all(any(re.match(r"access-class \S+ in", x) for x in b) for _, b in vtys)
    if re.search(r"^no ip http server", config, re.M):
        facts["net.http_enabled"] = False
    elif re.search(r"^ip http server", config, re.M):
        facts["net.http_enabled"] = True
    facts["net.ftp_enabled"] = bool(re.search(r"^ftp-server enable", config, re.M))
    risky = [
        s
        for s, rx in (
            ("service tcp-small-servers", r"^service tcp-small-servers"),
            ("service udp-small-servers", r"^service udp-small-servers"),
            ("ip finger", r"^(ip finger|service finger)"),
            ("ip http server", r"^ip http server"),
        )
        if re.search(rx, config, re.M)
    ]
    facts["net.risky_services"] = risky
    _common_snmp(config, facts, r"^snmp-server community (\S+ )?(\S+)")
    facts["net.snmp_communities"] = re.findall(r"^snmp-server community (\S+)", config, re.M)
    facts["net.snmp_default_communities"] = sorted(
        {n for n in facts["net.snmp_communities"] if n.lower() in _DEFAULT_COMMUNITIES}
    )
    facts["net.logging_enabled"] = not re.search(r"^no logging on", config, re.M)
    facts["net.loghosts"] = re.findall(rf"^logging (?:host )?(?:vrf \S+ )?{_IP}", config, re.M)
    facts["net.ntp_servers"] = re.findall(r"^ntp server (?:vrf \S+ )?(?:ip )?(\S+)", config, re.M)
    tz = re.search(r"^clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    brief = _cmd(evidence, "show interfaces status", "show ip interface brief")
    if brief is not None:
        out = []
        for line in brief.splitlines():
            parts = line.split()
            if not parts or re.match(r"^(vlan|loopback|null|tunnel|port-channel)", parts[0], re.I):
                continue
            if (
                "notconnect" in parts
                or (
                    re.search(r"\bdown\b", line)
                    and "administratively" not in line
                    and "disabled" not in parts
                )
            ) and re.match(r"^[A-Za-z]+[\d/.]+$", parts[0]):
                out.append(parts[0])
        facts["net.unused_ports_open"] = _open_ports(out, config)
