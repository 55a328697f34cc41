"""Cisco IOS / IOS XE: everything courtops knows about it. The CLI plugins are the bundled cisco.ios
collection's (network_os ``cisco.ios.ios``); this module holds the commands, parsers and defaults.

Formats follow real device output (../shared/corpus/ios, tests/data/corpus/ios).
"""

from __future__ import annotations

import re
from typing import Any

from courtops.vendors import common
from courtops.vendors.base import Facts, Interface, SoftwareVersion, Vendor

PLATFORM = "ios"
CONFIG_COMMAND = "show running-config"
ERRORS = (
    re.compile(r"^% Invalid input detected", re.M),
    re.compile(r"^% (?:Incomplete|Ambiguous) command", re.M),
    re.compile(r"^% Unknown command", re.M),
)


def _refused(text: str) -> bool:
    return any(p.search(text) for p in ERRORS)


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
    return None if _refused(text) else common.uptime_seconds(text)


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
    return None if _refused(text) else common.environment_problems(text)


def alarms(text: str) -> list[str] | None:
    """`show logging | include -[0-3]-`: %FACILITY-0..3-MNEMONIC messages. The filtered output holds
    only syslog lines; any other line means it is not that output (None)."""
    if _refused(text):
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not all(re.search(r"%\S+-\d-\S+", line) for line in lines):
        return None
    return common.matching_lines(text, (r"%\S+-[0-3]-\S+", r"(?i)\b(critical|major|emergency)\b"))


# --------------------------------------------------------------------------- 等保 evidence
def _vty(config: str, facts: Facts) -> set[str]:
    vtys = common.blocks(config, re.compile(r"^line vty \d+"))
    facts["net.vty_idle_timeout_min"] = common.max_idle(vtys, "exec-timeout", 10.0)  # 10 min, every IOS
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
    if vtys:
        facts["net.vty_acl"] = all(any(re.match(r"access-class \S+ in", x) for x in b) for _, b in vtys)
    return protocols


def extract(evidence: dict[str, Any], facts: Facts, problems: list[str]) -> None:
    config = common.command(evidence, CONFIG_COMMAND, "config")
    if config is None:
        problems.append(f"缺少 {CONFIG_COMMAND} 输出")
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
    protocols = _vty(config, facts)
    facts["net.ssh_enabled"] = bool(re.search(r"^ip ssh ", config, re.M) or "ssh" in protocols)
    if re.search(r"^no ip http server", config, re.M):
        facts["net.http_enabled"] = False
    elif re.search(r"^ip http server", config, re.M):
        facts["net.http_enabled"] = True
    facts["net.ftp_enabled"] = bool(re.search(r"^ftp-server enable", config, re.M))
    facts["net.risky_services"] = [
        s
        for s, rx in (
            ("service tcp-small-servers", r"^service tcp-small-servers"),
            ("service udp-small-servers", r"^service udp-small-servers"),
            ("ip finger", r"^(ip finger|service finger)"),
            ("ip http server", r"^ip http server"),
        )
        if re.search(rx, config, re.M)
    ]
    # the community name is the first word (an encrypted form does not exist on IOS)
    facts.update(common.snmp_facts(re.findall(r"^snmp-server community (\S+)", config, re.M)))
    facts["net.logging_enabled"] = not re.search(r"^no logging on", config, re.M)
    facts["net.loghosts"] = re.findall(rf"^logging (?:host )?(?:vrf \S+ )?{common.IP}", config, re.M)
    facts["net.ntp_servers"] = re.findall(r"^ntp server (?:vrf \S+ )?(?:ip )?(\S+)", config, re.M)
    tz = re.search(r"^clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    brief = common.command(evidence, "show interfaces status", "show ip interface brief")
    ports = common.unused_open_ports(interfaces(brief) if brief else None, config)
    if ports is not None:
        facts["net.unused_ports_open"] = ports


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
    # transport must be configured for a fact), so no release has defaults here yet.
    defaults={},
    config_end_marker="end",
    cli_error_markers=ERRORS,
    config_mode=("configure terminal", "end"),
)
