"""H3C Comware (and HPE FlexNetwork / 3Com on Comware): everything courtops knows about it.

Formats follow real device output (../shared/corpus/comware, tests/data/corpus/comware). Comware 5
and Comware 7 differ in their defaults (the Telnet and HTTP servers, password control); the version
comes from `display version` or the configuration's own ``version 7.1.070, Release …`` line, and a
version that is not recognised has no defaults.
"""

from __future__ import annotations

import re
from typing import Any

from courtops.vendors import common
from courtops.vendors.base import Facts, Interface, SoftwareVersion, Vendor

PLATFORM = "comware"
CONFIG_COMMAND = "display current-configuration"
ERRORS = (
    re.compile(r"%\s?Unrecognized command", re.I),
    re.compile(r"%\s?(?:Incomplete|Ambiguous|Too many parameters|Wrong parameter)", re.I),
    re.compile(r"^\s*Error:", re.M),
)


def _refused(text: str) -> bool:
    return any(p.search(text) for p in ERRORS)


# --------------------------------------------------------------------------- display version
def version(text: str) -> SoftwareVersion | None:
    """`display version` ("Comware Software, Version 7.1.070, Release 6616P01") or the
    configuration's first line (" version 7.1.070, Release 6616P01")."""
    m = re.search(r"Comware (?:Platform )?Software,? Version (\d+)\.(\S+?),? Release (\S+)", text, re.I)
    if m is None:
        m = re.search(r"^\s*version (\d+)\.(\S+?), Release (\S+)", text, re.M)
    if m is None:
        return None
    return SoftwareVersion(int(m.group(1)), f"{m.group(1)}.{m.group(2)}, Release {m.group(3)}")


def uptime_seconds(text: str) -> float | None:
    return None if _refused(text) else common.uptime_seconds(text)


# --------------------------------------------------------------------------- display interface brief
_LINK = {"UP": "up", "DOWN": "down", "ADM": "admin-down", "STBY": "standby"}


def _row(columns: list[str], fields: list[str]) -> Interface | None:
    if len(fields) < 2 or fields[1].upper() not in _LINK:
        return None
    link = _LINK[fields[1].upper()]
    if "Protocol" in columns:  # route mode: Interface Link Protocol Primary-IP Description
        protocol = fields[2].upper() if len(fields) > 2 else ""
        oper = "up" if link == "up" and protocol.startswith(("UP", "--")) else "down"
    else:  # bridge mode: Interface Link Speed Duplex Type PVID Description (no protocol column)
        oper = "up" if link == "up" else "down"
    return {
        "name": fields[0],
        "admin": "down" if link == "admin-down" else "up",
        "oper": oper,
        "link": link,
        "errors": None,  # the brief table shows no counters
    }


def interfaces(text: str) -> list[Interface] | None:
    """`display interface brief`: the route-mode and bridge-mode tables (each has its own header)."""
    return common.table_rows(text, lambda f: f[:2] == ["Interface", "Link"], _row)


# --------------------------------------------------------------------------- readings
def cpu_pct(text: str) -> float | None:
    """`display cpu-usage`: "5% in last 5 minutes" (Comware 7), "5% in last 5 minutes" (5)."""
    return common.first_float(text, (r"(\d+(?:\.\d+)?)% in last 5 minutes",))


def memory_pct(text: str) -> float | None:
    """`display memory`: 100 - FreeRatio of the Mem: line (Comware 7)."""
    used = common.first_float(text, (r"^\s*Mem:.*?(\d+(?:\.\d+)?)%\s*$",), re.M)
    return None if used is None else round(100.0 - used, 1)


def ntp_synchronized(text: str) -> bool | None:
    m = re.search(r"clock status:\s*(un)?synchronized", text, re.I)
    return None if m is None else m.group(1) is None


def environment_problems(text: str) -> list[str] | None:
    """`display device`: board states (Master, Standby, Normal; Fault, Absent are problems)."""
    return None if _refused(text) else common.environment_problems(text, ("master", "standby"))


def alarms(text: str) -> list[str] | None:
    """`display logbuffer level 3`: MODULE/0-3/MNEMONIC entries and critical/major lines; None when
    the output is not the log buffer."""
    if _refused(text):
        return None
    found = common.matching_lines(
        text, (r"\b[A-Z][A-Z0-9_]*/[0-3]/[A-Z0-9_]+", r"(?i)\b(critical|major|emergency)\b")
    )
    return found if found or re.search(r"^\s*Log buffer\s*:", text, re.M) else None


# --------------------------------------------------------------------------- 等保 evidence
def _password_control(config: str, facts: Facts, defaults: dict[str, Any]) -> None:
    enabled = bool(re.search(r"^\s*password-control enable", config, re.M)) and not re.search(
        r"^\s*undo password-control enable", config, re.M
    )
    facts["net.password_policy_enabled"] = enabled

    def pc(pattern: str, fact: str) -> None:
        if not enabled:  # without password control no length, aging or history applies
            facts[fact] = None
            return
        m = re.search(rf"^\s*password-control {pattern}", config, re.M)
        if m:
            facts[fact] = int(m.group(1))
        elif fact in defaults:  # the version's documented default; an unknown version: absent
            facts[fact] = defaults[fact]

    pc(r"length (\d+)", "net.password_min_length")
    pc(r"aging (\d+)", "net.password_max_age")
    pc(r"history (\d+)", "net.password_history")
    pc(r"login-attempt (\d+)", "net.lockout_attempts")


def _service(config: str, facts: Facts, fact: str, on: str, off: str, defaults: dict[str, Any]) -> None:
    if re.search(off, config, re.M):
        facts[fact] = False
    elif re.search(on, config, re.M):
        facts[fact] = True
    elif fact in defaults:
        facts[fact] = defaults[fact]


def extract(evidence: dict[str, Any], facts: Facts, problems: list[str]) -> None:
    config = common.command(evidence, CONFIG_COMMAND, "config")
    if config is None:
        problems.append(f"缺少 {CONFIG_COMMAND} 输出")
        return
    config = config.replace("\r", "")
    ver = version(common.command(evidence, "display version") or "") or version(config)
    defaults = dict(VENDOR.defaults_for(ver))
    if ver is None:
        problems.append("无法识别 Comware 软件版本，缺省值未知")
    users: dict[str, dict[str, Any]] = {}
    for m, body in common.blocks(config, re.compile(r"^local-user (\S+)")):
        ptype = next((x.split()[1] for x in body if re.match(r"password (hash|cipher|simple) ", x)), None)
        services = next((x.split()[1:] for x in body if x.startswith("service-type ")), [])
        users[m.group(1)] = {"ptype": ptype, "services": services}
    facts["net.local_users"] = sorted(users)
    facts["net.users_weak_password_type"] = sorted(
        n for n, u in users.items() if u["ptype"] in ("cipher", "simple")
    )
    _password_control(config, facts, defaults)
    vtys = common.blocks(config, re.compile(r"^(line|user-interface) vty \d+"))
    facts["net.vty_idle_timeout_min"] = common.max_idle(vtys, "idle-timeout", 10.0)  # 10 min in 5 and 7
    protocols: set[str] = set()
    for _, body in vtys:
        p = next((x.split()[-1] for x in body if x.startswith("protocol inbound")), None)
        protocols.update(["telnet", "ssh"] if p in (None, "all") else [p])
    if vtys:
        facts["net.vty_protocols"] = sorted(protocols)
    vty_acl = bool(vtys) and all(any(re.match(r"acl (ipv6 )?\S+ inbound", x) for x in b) for _, b in vtys)
    facts["net.vty_acl"] = vty_acl or bool(re.search(r"^\s*ssh server acl \d+", config, re.M))
    _service(
        config,
        facts,
        "net.telnet_enabled",
        r"^\s*telnet server enable",
        r"^\s*undo telnet server enable",
        defaults,
    )
    _service(config, facts, "net.http_enabled", r"^\s*ip http enable", r"^\s*undo ip http enable", defaults)
    facts["net.ssh_enabled"] = bool(re.search(r"^\s*ssh server enable", config, re.M))  # off in 5 and 7
    facts["net.ftp_enabled"] = bool(re.search(r"^\s*ftp server enable", config, re.M))  # off in 5 and 7
    cleartext_users = sorted(n for n, u in users.items() if {"telnet", "ftp", "http"} & set(u["services"]))
    facts["net.risky_services"] = [f"local-user {n} 明文服务类型" for n in cleartext_users]
    facts.update(
        common.snmp_facts(
            [
                m.group(2)
                for m in re.finditer(
                    r"^\s*snmp-agent community (read|write) (?:simple |cipher )?(\S+)", config, re.M
                )
            ]
        )
    )
    facts["net.logging_enabled"] = not re.search(r"^\s*undo info-center enable", config, re.M)
    facts["net.loghosts"] = re.findall(
        rf"^\s*info-center loghost (?:vpn-instance \S+ )?{common.IP}", config, re.M
    )
    facts["net.ntp_servers"] = re.findall(
        rf"^\s*ntp-service unicast-server (?:vpn-instance \S+ )?{common.IP}", config, re.M
    )
    tz = re.search(r"^\s*clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    brief = common.command(evidence, "display interface brief")
    ports = common.unused_open_ports(interfaces(brief) if brief else None, config)
    if ports is not None:
        facts["net.unused_ports_open"] = ports


VENDOR = Vendor(
    platform=PLATFORM,
    title="新华三 Comware",
    network_os="comware",
    aliases=("华三", "H3C Comware"),
    prompts=(re.compile(rb"[\r\n]?[<\[][~*]?[\w\-.:/\s]+[>\]]\s?$"),),
    terminal_errors=(
        re.compile(rb"Error: ", re.I),
        re.compile(rb"% ?Unrecognized command", re.I),
        re.compile(rb"% ?(?:Incomplete|Ambiguous|Too many parameters|Wrong parameter)", re.I),
    ),
    paging_off=("screen-length disable",),
    version_command="display version",
    config_command=CONFIG_COMMAND,
    saved_config_command="display saved-configuration",
    model_pattern=re.compile(r"^(?:H3C|HPE|HP)\s+(\S+).* uptime is", re.M),
    hostname_pattern=re.compile(r"^\s*sysname (\S+)", re.M),
    audit_commands=(CONFIG_COMMAND, "display interface brief", "display version"),
    inspection_commands={
        "version": "display version",
        "cpu": "display cpu-usage",
        "memory": "display memory",
        "interfaces": "display interface brief",
        "ntp": "display ntp-service status",
        "environment": "display device",
        "alarms": "display logbuffer level 3",
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
    defaults={
        # Comware 5 (V5 command references, "telnet server enable" / "ip http enable"): the Telnet and
        # HTTP servers are on unless disabled. Password-control defaults are not assumed for V5.
        5: {"net.telnet_enabled": True, "net.http_enabled": True},
        # Comware 7 (H3C 安全配置指导 "Login management", "Password control"): Telnet and HTTP are off
        # unless configured; with password control enabled: length 10, aging 90 days, history 4,
        # login-attempt 3.
        7: {
            "net.telnet_enabled": False,
            "net.http_enabled": False,
            "net.password_min_length": 10,
            "net.password_max_age": 90,
            "net.password_history": 4,
            "net.lockout_attempts": 3,
        },
    },
    config_end_marker="return",
    cli_error_markers=ERRORS,
    config_mode=("system-view", "return"),
    config_global_indent=True,
)
