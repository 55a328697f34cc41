"""Cisco IOS / IOS XE: everything courtops knows about it. The CLI plugins are the bundled cisco.ios
collection's (network_os ``cisco.ios.ios``); this module holds the commands, parsers and defaults.

Formats follow real device output (../shared/corpus/ios, tests/data/corpus/ios).
"""

from __future__ import annotations

import re
from typing import Any

from courtops.vendors import common
from courtops.vendors.base import Facts, Interface, SoftwareVersion, Vendor, secret_rule
from courtops.vendors.restore import RestoreMethod, Step

PLATFORM = "ios"
CONFIG_COMMAND = "show running-config"
ERRORS = (
    re.compile(r"^% Invalid input detected", re.M),
    re.compile(r"^% (?:Incomplete|Ambiguous) command", re.M),
    re.compile(r"^% Unknown command", re.M),
    re.compile(r"^% ?Unrecognized command", re.M),
)


# --------------------------------------------------------------------------- show version
def version(text: str) -> SoftwareVersion | None:
    """`show version` ("Cisco IOS XE Software, Version 17.09.04a", "… Version 15.2(4)E7,") or the
    configuration's ``version 17.9`` line."""
    m = re.search(r"Cisco IOS.*?Software.*?,? Version (\d+)\.(\S+?),?(?:\s|$)", text)
    if m is None:
        m = re.search(r"^version (\d+)\.(\S+)", text, re.M)
    if m is None:
        return None
    return SoftwareVersion(int(m.group(1)), f"{m.group(1)}.{m.group(2)}")


def uptime_seconds(text: str) -> float | None:
    return None if common.refused(text, ERRORS) else common.uptime_seconds(text)


# --------------------------------------------------------------------------- interfaces
_STATUS_WORDS = {"connected": "up", "notconnect": "down", "disabled": "admin-down", "err-disabled": "down"}


def _brief_row(columns: list[str], fields: list[str]) -> Interface | None:
    """`show ip interface brief`: Interface IP-Address OK? Method Status Protocol."""
    if len(fields) < 6:
        return None
    status = " ".join(fields[4:-1]).lower()
    admin_down = "administratively" in status
    link = "admin-down" if admin_down else ("up" if status == "up" else "down")
    return {
        "name": fields[0],
        "admin": "down" if admin_down else "up",
        "oper": "up" if fields[-1].lower() == "up" else "down",
        "link": link,
        "errors": None,
    }


def _status_row(columns: list[str], fields: list[str]) -> Interface | None:
    """`show interfaces status`: Port Name Status Vlan Duplex Speed Type (Name may hold spaces)."""
    word = next((f for f in fields[1:] if f.lower() in _STATUS_WORDS), None)
    if word is None:
        return None
    link = _STATUS_WORDS[word.lower()]
    return {
        "name": fields[0],
        "admin": "down" if link == "admin-down" else "up",
        "oper": "up" if link == "up" else "down",
        "link": link,
        "errors": None,
    }


def interfaces(text: str) -> list[Interface] | None:
    """`show ip interface brief` or `show interfaces status`."""
    if re.search(r"^\s*Port\s+Name\s+Status", text, re.M):
        return common.table_rows(text, lambda f: f[:3] == ["Port", "Name", "Status"], _status_row)
    return common.table_rows(text, lambda f: f[:2] == ["Interface", "IP-Address"], _brief_row)


# --------------------------------------------------------------------------- readings
def cpu_pct(text: str) -> float | None:
    """`show processes cpu`: "CPU utilization for five seconds: 4%/0%; one minute: 5%; five minutes: 9%"."""
    return common.first_float(text, (r"five minutes:\s*(\d+(?:\.\d+)?)%",))


def memory_pct(text: str) -> float | None:
    """`show processes memory`: "Processor Pool Total: N Used: M"."""
    m = re.search(r"Processor Pool Total:\s*(\d+)\s+Used:\s*(\d+)", text)
    if m and int(m.group(1)) > 0:
        return round(100.0 * int(m.group(2)) / int(m.group(1)), 1)
    return None


def ntp_synchronized(text: str) -> bool | None:
    """`show ntp status`: "Clock is synchronized" / "Clock is unsynchronized"."""
    m = re.search(r"clock is\s*(un)?synchronized", text, re.I)
    return None if m is None else m.group(1) is None


def environment_problems(text: str) -> list[str] | None:
    return None if common.refused(text, ERRORS) else common.environment_problems(text)


def alarms(text: str) -> list[str] | None:
    """`show logging | include -[0-3]-`: %FACILITY-0..3-MNEMONIC messages. The filtered output holds
    only syslog lines; any other line means it is not that output (None)."""
    if common.refused(text, ERRORS):
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not all(re.search(r"%\S+-\d-\S+", line) for line in lines):
        return None
    return common.matching_lines(text, (r"%\S+-[0-3]-\S+", r"(?i)\b(critical|major|emergency)\b"))


# --------------------------------------------------------------------------- 等保 evidence
#: facts that rest on a line's absence: unknown in a fragment (a configuration without VTYs)
_ABSENCE = (
    "net.local_users",
    "net.enable_password_cleartext",
    "net.password_min_length",
    "net.password_policy_enabled",
    "net.lockout_attempts",
    "net.ssh_enabled",
    "net.ftp_enabled",
    "net.http_enabled",
    "net.risky_services",
    "net.snmp_communities",
    "net.snmp_community_strength",
    "net.snmp_default_communities",
    "net.loghosts",
    "net.ntp_servers",
    "net.timezone",
)
_LINE = re.compile(r"^line (con|aux|vty|tty|\d+)\s*([\d ]*)$")


def _acls(config: str) -> dict[str, list[str]]:
    """ACL number or name -> its permit/deny entries, each as ``standard|extended <entry>``."""
    acls: dict[str, list[str]] = {}
    for m in re.finditer(r"^access-list (\d+) (.*)$", config, re.M):
        n = int(m.group(1))
        kind = "standard" if n < 100 or 1300 <= n < 2000 else "extended"
        acls.setdefault(m.group(1), []).append(f"{kind} {m.group(2)}")
    for m, body in common.blocks(config, re.compile(r"^ip access-list (standard|extended) (\S+)")):
        entries = [re.sub(r"^\d+ ", "", x) for x in body]
        acls.setdefault(m.group(2), []).extend(
            f"{m.group(1)} {x}" for x in entries if x.startswith(("permit", "deny"))
        )
    return acls


def _permits_any(entry: str) -> bool:
    """`permit any` (standard) or `permit tcp any …` (extended): any source is let in."""
    words = entry.split()
    if len(words) < 3 or words[1] != "permit":
        return False
    source = words[2] if words[0] == "standard" else (words[3] if len(words) > 3 else "any")
    return source == "any" or (source == "0.0.0.0" and words[-1:] != ["0.0.0.0"])


def _anonymous_lines(config: str, lines: list[tuple[re.Match[str], list[str]]]) -> list[str] | None:
    """Lines that log in without a personal account: no login (console/AUX), `no login`, `login`
    with the line password, or an AAA list ending in `none`. None when a referenced AAA list is not
    defined (the method the line uses is unknown)."""
    aaa = bool(re.search(r"^aaa new-model", config, re.M))
    lists = {
        m.group(1): m.group(2).split()
        for m in re.finditer(r"^aaa authentication login (\S+) (.*)$", config, re.M)
    }
    out: list[str] = []
    for m, body in lines:
        name = f"line {m.group(1)} {m.group(2).strip()}".strip()
        if "no login" in body:
            out.append(f"{name}（no login，无认证）")
            continue
        if aaa:
            ref = next((x.split()[2] for x in body if x.startswith("login authentication ")), "default")
            methods = lists.get(ref)
            if methods is None:
                return None  # an unresolved list: what the line uses is unknown
            if methods[-1] == "none":
                out.append(f"{name}（AAA 列表 {ref} 以 none 结尾）")
            continue
        login = next((x for x in body if x == "login" or x.startswith("login ")), None)
        if login is None and m.group(1) in ("con", "aux"):
            out.append(f"{name}（未配置 login，无认证）")
        elif login == "login" and any(x.startswith("password ") for x in body):
            out.append(f"{name}（仅线路口令）")
    return out


def anonymous_line_headers(config: str) -> list[str]:
    """The `line …` headers that L3-CES1-05 finds logging in without a personal account, for the
    hardening role (roles/harden_ios). [] under `aaa new-model`: its method lists are the court's
    design, the role does not change them."""
    if re.search(r"^aaa new-model", config, re.M):
        return []
    found = _anonymous_lines(config, common.blocks(config.replace("\r", ""), _LINE)) or []
    return [entry.split("（", 1)[0] for entry in found]


def password_users(config: str) -> list[dict[str, str]]:
    """Local users kept with a reversible `password` (clear or type 7) instead of a `secret`: name
    and privilege level (what a new `username … secret` line must keep)."""
    out = []
    for m in re.finditer(r"^username (\S+)(.*)$", config.replace("\r", ""), re.M):
        rest = m.group(2)
        if re.search(r"\bpassword\b", rest) and not re.search(r"\bsecret\b", rest):
            level = re.search(r"\bprivilege (\d+)", rest)
            out.append({"name": m.group(1), "privilege": level.group(1) if level else "1"})
    return out


def _vty(config: str, facts: Facts, ver: SoftwareVersion | None) -> set[str] | None:
    """VTY facts; None when the configuration has no VTY (a fragment: a whole one always has)."""
    vtys = common.blocks(config, re.compile(r"^line vty \d+"))
    if not vtys:
        return None
    idle = [common.idle_minutes(body, "exec-timeout") for _, body in vtys]
    if ver is not None or None not in idle:  # the 10-minute default only for a known release
        facts["net.vty_idle_timeout_min"] = common.max_idle(vtys, "exec-timeout", 10.0)
    protocols: set[str] = set()
    explicit = True
    for _, body in vtys:
        t = next((x.split()[2:] for x in body if x.startswith("transport input")), None)
        if t is None:
            explicit = False  # the default differs between IOS releases: no guess
            continue
        protocols.update(["telnet", "ssh"] if "all" in t else [p for p in t if p != "none"])
    if explicit:
        facts["net.vty_protocols"] = sorted(protocols)
        facts["net.telnet_enabled"] = "telnet" in protocols
    elif "telnet" in protocols:
        facts["net.telnet_enabled"] = True
    acls = _acls(config)
    facts["net.vty_acl"] = all(
        any(
            common.acl_restricts(acls.get(a), _permits_any)
            for a in re.findall(r"^access-class (\S+) in", "\n".join(b), re.M)
        )
        for _, b in vtys
    )
    return {p for _, b in vtys for x in b if x.startswith("transport input") for p in x.split()[2:]}


def _line_passwords(config: str, lines: list[tuple[re.Match[str], list[str]]]) -> list[str]:
    """Passwords kept in clear (or reversible) text: the enable password is at best type 7; a line
    password is clear without `service password-encryption`."""
    weak = []
    if re.search(r"^enable password ", config, re.M):
        weak.append("enable password（已隐藏）")
    encrypted = bool(re.search(r"^service password-encryption", config, re.M))
    for m, body in lines:
        pw = next((x.split() for x in body if x.startswith("password ")), None)
        if pw is None:
            continue
        if not encrypted and not (len(pw) > 2 and pw[1] in ("5", "7", "8", "9")):
            weak.append(f"line {m.group(1)} {m.group(2).strip()} 明文口令（已隐藏）")
    return weak


def snmp_communities(config: str) -> list[tuple[str, str, str]]:
    """(access, strength, value) of each `snmp-server community NAME [view V] [RO|RW]`: IOS keeps
    community names in plain text."""
    out = []
    for m in re.finditer(r"^snmp-server community (\S+)(.*)$", config, re.M):
        rw = re.search(r"\b(RO|RW)\b", m.group(2))
        access = {"RO": "read", "RW": "write"}.get(rw.group(1) if rw else "", "read")
        out.append((access, common.PLAINTEXT, m.group(1)))
    return out


def extract(evidence: dict[str, Any], facts: Facts, problems: list[str]) -> None:
    config = common.command(evidence, CONFIG_COMMAND, "config")
    if config is None:
        problems.append(f"缺少 {CONFIG_COMMAND} 输出")
        return
    config = config.replace("\r", "")
    ver = version(common.command(evidence, "show version") or "") or version(config)
    protocols = _vty(config, facts, ver)
    complete = protocols is not None
    if not complete:
        problems.append(common.FRAGMENT)
    defaults = VENDOR.defaults_for(ver) if complete else {}
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
    if users:
        facts["net.users_weak_password_type"] = sorted(n for n, k in users.items() if k == "password")
    if re.search(r"^enable (password|secret) ", config, re.M):  # no enable line: nothing to judge
        facts["net.enable_password_cleartext"] = bool(re.search(r"^enable password ", config, re.M))
    lines = common.blocks(config, _LINE)
    # the accounts are what L3-CES1-28 judges: an enable secret alone (no user) proves nothing of them
    weak_lines = _line_passwords(config, lines)
    common.weak_stored_passwords(
        facts, facts.get("net.users_weak_password_type", []), weak_lines, bool(users) or bool(weak_lines)
    )
    if complete:
        anonymous = _anonymous_lines(config, lines)
        if anonymous is not None:
            facts["net.anonymous_login_lines"] = anonymous
    minlen = re.search(r"^security passwords min-length (\d+)", config, re.M)
    facts["net.password_min_length"] = int(minlen.group(1)) if minlen else None
    facts["net.password_policy_enabled"] = minlen is not None
    facts["net.password_max_age"] = None
    block = re.search(r"^login block-for \d+ attempts (\d+) within \d+", config, re.M)
    facts["net.lockout_attempts"] = int(block.group(1)) if block else None
    # SSH: `ip ssh …` settings or an explicit `transport input … ssh`. `transport input all` is not
    # SSH: the server answers only once an RSA key exists, which the configuration does not show
    # (unknown); with neither, SSH is not set up.
    words = protocols or set()
    if re.search(r"^ip ssh ", config, re.M) or "ssh" in words:
        facts["net.ssh_enabled"] = True
    elif "all" not in words:
        facts["net.ssh_enabled"] = False
    if re.search(r"^no ip http server", config, re.M):
        facts["net.http_enabled"] = False
    elif re.search(r"^ip http server", config, re.M):
        facts["net.http_enabled"] = True
    facts["net.ftp_enabled"] = bool(re.search(r"^ftp-server enable", config, re.M | re.I))
    facts["net.risky_services"] = [
        s
        for s, rx in (
            ("service tcp-small-servers", r"^service tcp-small-servers"),
            ("service udp-small-servers", r"^service udp-small-servers"),
            ("ip finger", r"^(ip finger|service finger)"),
            ("ip http server", r"^ip http server"),
            ("ftp-server enable", r"(?i)^ftp-server enable"),
        )
        if re.search(rx, config, re.M)
    ]
    facts.update(common.snmp_community_facts(snmp_communities(config)))
    if re.search(r"^no logging on", config, re.M):
        facts["net.logging_enabled"] = False
    elif re.search(r"^logging on", config, re.M) or "net.logging_enabled" in defaults:
        facts["net.logging_enabled"] = True  # logging is on unless `no logging on`, in every release
    facts["net.loghosts"] = re.findall(rf"^logging (?:host )?(?:vrf \S+ )?{common.IP}", config, re.M)
    facts["net.ntp_servers"] = re.findall(r"^ntp server (?:vrf \S+ )?(?:ip )?(\S+)", config, re.M)
    tz = re.search(r"^clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    brief = common.command(evidence, "show interfaces status", "show ip interface brief")
    ports = common.unused_open_ports(interfaces(brief) if brief else None, config)
    if ports is not None:
        facts["net.unused_ports_open"] = ports
    if not complete:
        common.drop_absence(facts, _ABSENCE)
    # besides the servers: `ip ftp username|password` sets up the FTP client that copies
    # configurations and images with its password in clear; `tftp-server` serves files over TFTP
    shown = [
        name
        for name, rx in (("ftp-client", r"^ip ftp (username|password) "), ("tftp", r"^tftp-server "))
        if re.search(rx, config, re.M)
    ]
    common.cleartext_protocols(facts, problems, shown)


#: IOS secret forms: password/secret of every type (0, 5, 7, 8, 9) on enable, username and lines,
#: key-string, SNMP communities (also on `snmp-server host`) and SNMPv3 keys, ISAKMP pre-shared keys,
#: TACACS+/RADIUS keys, NTP and OSPF authentication keys
#: Backup: lines that change on every read (Oxidized ios.rb, RANCID ios.pm; backup-anchors.md §1): the
#: head of `show running-config` (Building configuration…, Current configuration : N bytes), the
#: last-change and NVRAM stamps (#1190, #456, #741), `ntp clock-period` (the clock drift the device
#: learns), the uptime and restart lines of `show version` (#1364), and the two lines `exec prompt
#: timestamp` prints before every output (#2188).
VOLATILE = (
    re.compile(r"^Building configuration\.\.\.$"),
    re.compile(r"^Current configuration ?: \d+ bytes$"),
    re.compile(r"^! (?:Last configuration change at |No configuration change since last restart)"),
    re.compile(r"^! NVRAM config last updated at "),
    re.compile(r"^ntp clock-period \d+$"),
    re.compile(r"\buptime is\b", re.I),
    re.compile(r"^Uptime for this control processor is "),
    re.compile(r"^System (?:returned to ROM by|restarted at) "),
    re.compile(r"^Load for five secs: "),
    re.compile(r"^Time source is \S+, \d"),
)
BACKUP_COMMANDS = (CONFIG_COMMAND, "show version", "show inventory")

SECRET_RULES = (
    secret_rule(
        "IOS 口令/secret（类型 0/5/7/8/9）",
        r"\b(?:password|secret) (?:[0-9] )?(\S+)",
        hint=r"password |secret ",
    ),
    secret_rule("key-string", r"\bkey-string (?:[0-9] )?(\S+)", hint="key-string"),
    secret_rule("SNMP 团体字", r"^snmp-server community (\S+)", hint="snmp-server community"),
    secret_rule(
        "SNMP 通知团体字",
        r"^snmp-server host \S+ (?:informs |traps )?(?:version (?:1|2c) )?(\S+)",
        hint="snmp-server host",
    ),
    secret_rule(
        "SNMPv3 认证密钥", r"^snmp-server user .*?\bauth (?:md5|sha\S*) (\S+)", hint="snmp-server user"
    ),
    secret_rule(
        "SNMPv3 加密密钥",
        r"^snmp-server user .*?\bpriv (?:des|3des|aes(?: \d+)?) (\S+)",
        hint="snmp-server user",
    ),
    secret_rule("ISAKMP 预共享密钥", r"^crypto isakmp key (?:[0-9] )?(\S+)", hint="crypto isakmp key"),
    secret_rule(
        "TACACS+/RADIUS 密钥", r"^(?:tacacs-server|radius-server)\b.*?\bkey (?:[0-9] )?(\S+)", hint=r"key "
    ),
    secret_rule("TACACS+/RADIUS 服务器密钥", r"^\s+key (?:[0-9] )?(\S+)", hint=r"key "),
    secret_rule(
        "预共享密钥",
        r"\bpre-shared-key (?:address \S+ (?:\S+ )?)?(?:key )?(?:[0-9] )?(\S+)",
        hint="pre-shared-key",
    ),
    secret_rule(
        "NTP/OSPF 认证密钥",
        r"\b(?:authentication-key \d+ md5|message-digest-key \d+ md5|authentication-key) (?:[0-9] )?(\S+)",
        hint=r"authentication-key|message-digest-key",
    ),
)


#: IOS / IOS XE: the file onto flash (SFTP), `configure replace … force` (applies the additions and
#: deletions that turn the running configuration into the file's), then `write memory`.
RESTORE = RestoreMethod(
    name="configure replace",
    file="courtops-restore.cfg",
    steps=(
        Step("configure replace flash:{file} force", ok=re.compile(r"Rollback Done")),
        Step("write memory", ok=re.compile(r"\[OK\]")),
    ),
)


VENDOR = Vendor(
    platform=PLATFORM,
    title="思科 IOS",
    network_os="cisco.ios.ios",
    aliases=("思科", "Cisco IOS"),
    own_plugins=False,  # prompts, errors and paging are the cisco.ios terminal plugin's
    paging_off=("terminal length 0", "terminal width 512"),
    version_command="show version",
    config_command=CONFIG_COMMAND,
    audit_commands=(CONFIG_COMMAND, "show ip interface brief", "show version"),
    inspection_commands={
        "version": "show version",
        "cpu": "show processes cpu | include CPU utilization",
        "memory": "show processes memory | include Processor",
        "interfaces": "show ip interface brief",
        "ntp": "show ntp status",
        "environment": "show environment all",
        "alarms": "show logging | include -[0-3]-",
    },
    version=version,
    interfaces=interfaces,
    cpu_pct=cpu_pct,
    memory_pct=memory_pct,
    uptime_seconds=uptime_seconds,
    ntp_synchronized=ntp_synchronized,
    environment_problems=environment_problems,
    alarms=alarms,
    extract=extract,
    # IOS 12, 15 and IOS XE 16/17 differ in the VTY transport default; none is assumed (the
    # transport must be configured for a fact). Logging is on unless `no logging on` in all of them.
    defaults={major: {"net.logging_enabled": True} for major in (12, 15, 16, 17)},
    backup_commands=BACKUP_COMMANDS,
    config_end_marker="end",
    cli_error_markers=ERRORS,
    volatile_lines=VOLATILE,
    secret_rules=SECRET_RULES,
    config_mode=("configure terminal", "end"),
    restore=RESTORE,
)
