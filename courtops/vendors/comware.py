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
from courtops.vendors.base import Facts, Interface, SoftwareVersion, Vendor, secret_rule
from courtops.vendors.restore import RestoreMethod, Step

PLATFORM = "comware"
CONFIG_COMMAND = "display current-configuration"
ERRORS = (
    re.compile(r"%\s?Unrecognized command", re.I),
    re.compile(r"%\s?(?:Incomplete|Ambiguous|Too many parameters|Wrong parameter)", re.I),
    re.compile(r"^\s*Error:", re.M),
)


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
    return None if common.refused(text, ERRORS) else common.uptime_seconds(text)


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
    return None if common.refused(text, ERRORS) else common.environment_problems(text, ("master", "standby"))


def alarms(text: str) -> list[str] | None:
    """`display logbuffer level 3`: MODULE/0-3/MNEMONIC entries and critical/major lines; None when
    the output is not the log buffer."""
    if common.refused(text, ERRORS):
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


_LINES = re.compile(r"^(line|user-interface) (class )?(con|console|aux|vty|tty)\s*([\d ]*)$", re.I)
#: facts that rest on a line's absence: unknown in a fragment
_ABSENCE = (
    "net.local_users",
    "net.password_policy_enabled",
    "net.password_min_length",
    "net.password_max_age",
    "net.password_history",
    "net.lockout_attempts",
    "net.ssh_enabled",
    "net.ftp_enabled",
    "net.telnet_enabled",
    "net.http_enabled",
    "net.risky_services",
    "net.snmp_communities",
    "net.snmp_community_strength",
    "net.snmp_default_communities",
    "net.loghosts",
    "net.ntp_servers",
    "net.timezone",
    "net.vty_acl",
)


def _syntax_version(config: str) -> SoftwareVersion | None:
    """The major version a configuration's own syntax proves when it has no version line: the
    login views are ``line vty/aux/con/class`` only in Comware 7."""
    if re.search(r"^\s*line (vty|aux|con|class)\b", config, re.M):
        return SoftwareVersion(7, "7（由 line 视图语法判断）")
    return None


#: defaults Comware 5 and 7 share: a configuration with ``user-interface`` views (Comware 5 or
#: older, release not named) has these and no others
_SHARED_DEFAULTS: dict[str, Any] = {
    "net.logging_enabled": True,
    "console_authentication": "none",
    "vty_authentication": "password",
}


def _acls(config: str) -> dict[str, list[str]]:
    """ACL number or name -> its rules (`acl number 2000`, `acl basic 2000`, `acl basic name X`)."""
    acls: dict[str, list[str]] = {}
    header = re.compile(r"^acl (?:ipv6 )?(?:number |basic |advanced |mac )?(?:name )?(\S+)(?: name (\S+))?")
    for m, body in common.views(config, header):
        rules = [x for x in body if x.startswith("rule ") and re.search(r"\b(permit|deny)\b", x)]
        for key in filter(None, (m.group(1), m.group(2))):
            acls.setdefault(key, []).extend(rules)
    return acls


def _permits_any(rule: str) -> bool:
    """`rule 5 permit` / `rule 0 permit tcp destination …`: a permit rule that names no source."""
    return bool(re.match(r"rule (\d+ )?permit\b", rule)) and not re.search(r"\bsource (?!any)", rule)


def _login_lines(lines: list[tuple[re.Match[str], list[str]]], defaults: dict[str, Any]) -> list[str] | None:
    """Login lines without per-user authentication: `authentication-mode none` (anonymous) or
    `password` (one shared line password). A line without the keyword has the class default of
    the version (console/AUX none, VTY password in Comware 5 and 7), or its line class's mode."""
    console_default = defaults.get("console_authentication")
    vty_default = defaults.get("vty_authentication")
    classes = {
        m.group(3).lower(): next((x.split()[1] for x in body if x.startswith("authentication-mode ")), None)
        for m, body in lines
        if m.group(2)
    }
    out: list[str] = []
    seen_console = False
    for m, body in lines:
        if m.group(2):
            continue
        kind = m.group(3).lower()
        name = f"{m.group(1)} {kind} {m.group(4).strip()}".strip()
        mode = next((x.split()[1] for x in body if x.startswith("authentication-mode ")), None)
        klass = "console" if kind in ("con", "console") else kind
        seen_console = seen_console or klass in ("console", "aux")
        mode = mode or classes.get(klass) or (vty_default if klass == "vty" else console_default)
        if mode is None:
            return None  # unknown version and no keyword: the line's authentication is unknown
        if mode in ("none", "password"):
            out.append(f"{name}（{'无认证' if mode == 'none' else '仅线路口令'}）")
    if not seen_console:
        mode = classes.get("console") or console_default
        if mode is None:
            return None
        if mode in ("none", "password"):
            out.append(f"console（配置中无控制台视图，缺省{'无认证' if mode == 'none' else '仅线路口令'}）")
    return out


def extract(evidence: dict[str, Any], facts: Facts, problems: list[str]) -> None:
    config = common.command(evidence, CONFIG_COMMAND, "config")
    if config is None:
        problems.append(f"缺少 {CONFIG_COMMAND} 输出")
        return
    config = config.replace("\r", "")
    ver = (
        version(common.command(evidence, "display version") or "")
        or version(config)
        or _syntax_version(config)
    )
    lines = common.views(config, _LINES)
    vtys = [(m, body) for m, body in lines if m.group(3).lower() == "vty" and not m.group(2)]
    complete = bool(vtys)
    defaults = dict(VENDOR.defaults_for(ver)) if complete else {}
    if complete and ver is None and re.search(r"^\s*user-interface (vty|aux|con)\b", config, re.M):
        defaults = dict(_SHARED_DEFAULTS)
    if ver is None:
        problems.append("无法识别 Comware 软件版本，缺省值未知")
    if not complete:
        problems.append(common.FRAGMENT)
    users: dict[str, dict[str, Any]] = {}
    for m, body in common.views(config, re.compile(r"^local-user (\S+)")):
        ptype = next((x.split()[1] for x in body if re.match(r"password (hash|cipher|simple) ", x)), None)
        # one `service-type` line per service is as valid as one line with all of them
        services = [s for x in body if x.startswith("service-type ") for s in x.split()[1:]]
        users[m.group(1)] = {"ptype": ptype, "services": services}
    facts["net.local_users"] = sorted(users)
    if users:  # no user: nothing to judge (the fact stays out, 待人工)
        facts["net.users_weak_password_type"] = sorted(
            n for n, u in users.items() if u["ptype"] in ("cipher", "simple")
        )
    _password_control(config, facts, defaults)
    common.weak_stored_passwords(
        facts,
        facts.get("net.users_weak_password_type", []),
        common.cleartext_line_passwords(config),
        bool(users) or bool(re.search(r"^\s*(set authentication password|super password) ", config, re.M)),
    )
    if vtys:
        facts["net.vty_idle_timeout_min"] = common.max_idle(vtys, "idle-timeout", 10.0)  # 10 min in 5 and 7
        protocols: set[str] = set()
        for _, body in vtys:
            p = next((x.split()[-1] for x in body if x.startswith("protocol inbound")), None)
            protocols.update(["telnet", "ssh"] if p in (None, "all") else [p])
        facts["net.vty_protocols"] = sorted(protocols)
        anonymous = _login_lines(lines, defaults)
        if anonymous is not None:
            facts["net.anonymous_login_lines"] = anonymous
    _service(
        config,
        facts,
        "net.telnet_enabled",
        r"(?i)^\s*telnet[- ]server enable",
        r"(?i)^\s*undo telnet[- ]server enable",
        defaults,
    )
    _service(config, facts, "net.http_enabled", r"^\s*ip http enable", r"^\s*undo ip http enable", defaults)
    facts["net.ssh_enabled"] = bool(re.search(r"^\s*ssh server enable", config, re.M))  # off in 5 and 7
    # Comware 5 prints " FTP server enable"
    facts["net.ftp_enabled"] = bool(
        re.search(r"^\s*ftp server enable", config, re.M | re.I)
    )  # off in 5 and 7
    acls = _acls(config)

    def restricted(acl: str | None) -> bool:
        return acl is not None and common.acl_restricts(acls.get(acl), _permits_any)

    vty_acl = bool(vtys) and all(
        any(restricted(a) for a in re.findall(r"^acl (?:ipv6 )?(\S+) inbound", "\n".join(b), re.M))
        for _, b in vtys
    )
    # without a VTY ACL, every enabled server must be limited by a defined, restricting ACL of its own
    servers = [s for s in ("ssh", "telnet") if facts.get(f"net.{s}_enabled")]
    server_acl = bool(servers) and all(
        restricted(next(iter(re.findall(rf"^\s*{s} server acl (\S+)", config, re.M)), None)) for s in servers
    )
    facts["net.vty_acl"] = vty_acl or server_acl
    cleartext_users = sorted(n for n, u in users.items() if {"telnet", "ftp", "http"} & set(u["services"]))
    facts["net.risky_services"] = [f"local-user {n} 明文服务类型" for n in cleartext_users]
    if facts["net.ftp_enabled"]:
        facts["net.risky_services"].append("ftp server")
    facts.update(common.snmp_community_facts(snmp_communities(config)))
    if re.search(r"^\s*undo info-center enable", config, re.M):
        facts["net.logging_enabled"] = False
    elif re.search(r"^\s*info-center enable", config, re.M) or "net.logging_enabled" in defaults:
        facts["net.logging_enabled"] = True  # on unless disabled, in Comware 5 and 7
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
    if not complete:
        common.drop_absence(facts, _ABSENCE)
    common.cleartext_protocols(facts, problems)


def snmp_communities(config: str) -> list[tuple[str, str, str]]:
    """(access, strength, value) of each `snmp-agent community [simple|cipher] read|write NAME`
    (Comware 7 puts simple/cipher first, Comware 5 after read/write); ``$c$`` is reversible."""
    out = []
    pattern = r"^\s*snmp-agent community (?:(simple|cipher) )?(?:(read|write) )?(?:(simple|cipher) )?(\S+)"
    for m in re.finditer(pattern, config, re.M):
        form, access, value = m.group(1) or m.group(3), m.group(2) or "", m.group(4)
        strength = common.REVERSIBLE if form == "cipher" or value.startswith("$c$") else common.PLAINTEXT
        out.append((access, strength, value))
    return out


#: Comware secret forms: password/key values after hash/cipher/simple, $c$ reversible ciphertext and
#: $h$ hashes wherever they stand, SNMP communities and SNMPv3 keys, RADIUS/HWTACACS keys
#: Backup: lines that change on every read (Oxidized comware.rb; backup-anchors.md §1): the uptime
#: lines of `display version` ("… uptime is", "Uptime is" per slot), bytes 0xFF that unprogrammed
#: EEPROM fields print in `display device manuinfo`, and "Current terminal monitor is off" that
#: `undo terminal monitor` leaves on HP 19x0 (#1754, #1447). The Comware 7 "# " flap (#3631, #3733)
#: is trailing blanks, which every backup line loses (courtops/backup/network_rules.py).
VOLATILE = (
    re.compile(r"\buptime is\b", re.I),
    re.compile(r"\xff|\u00ff"),
    re.compile(r"^\s*(?:Info: )?Current terminal monitor is (?:on|off)\.?$", re.I),
    re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,3})?$"),
)
BACKUP_COMMANDS = (CONFIG_COMMAND, "display version", "display device", "display device manuinfo")

SECRET_RULES = (
    secret_rule(
        "Comware 口令（hash/cipher/simple）",
        r"\bpassword (?:role \S+ )?(?:hash|cipher|simple) (\S+)",
        hint="password ",
    ),
    secret_rule("Comware 密文 $c$ / 散列 $h$", r"(\$[ch]\$\S+)", hint=r"\$[ch]\$"),
    secret_rule(
        "SNMP 团体字",
        r"^\s*snmp-agent community (?:(?:simple|cipher) )?(?:(?:read|write) )?(?:(?:simple|cipher) )?(\S+)",
        hint="snmp-agent community",
    ),
    secret_rule(
        "SNMPv3 认证密钥",
        r"^\s*snmp-agent usm-user .*?\bauthentication-mode \S+ (\S+)",
        hint="snmp-agent usm-user",
    ),
    secret_rule(
        "SNMPv3 加密密钥", r"^\s*snmp-agent usm-user .*?\bprivacy-mode \S+ (\S+)", hint="snmp-agent usm-user"
    ),
    secret_rule(
        "RADIUS/HWTACACS 密钥",
        r"^\s*key (?:authentication |accounting |authorization )?(?:cipher|simple) (\S+)",
        hint=r"key ",
    ),
    secret_rule("预共享密钥", r"\bpre-shared-key (?:cipher |simple )?(\S+)", hint="pre-shared-key"),
)


#: Comware 7: the file onto flash (SFTP), `configuration replace file` (no reboot; lines missing from
#: the file are undone), then `save force` so the restored configuration is also the startup one.
#: The replace asks whether to save the current configuration first: no (it is in the pre-restore backup).
RESTORE = RestoreMethod(
    name="configuration replace file",
    file="courtops-restore.cfg",
    steps=(
        Step(
            "configuration replace file flash:/{file}",
            prompts=(r"save current configuration\? ?\[Y/N\]",),
            answers=("N",),
            ok=re.compile(r"Succeeded in replacing current configuration"),
        ),
        Step("save force", ok=re.compile(r"successfully")),
    ),
)


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
        # Console and AUX log in without authentication, VTYs with the line password.
        5: {
            "net.telnet_enabled": True,
            "net.http_enabled": True,
            **_SHARED_DEFAULTS,
        },
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
            **_SHARED_DEFAULTS,
        },
    },
    config_end_marker="return",
    cli_error_markers=ERRORS,
    secret_rules=SECRET_RULES,
    backup_commands=BACKUP_COMMANDS,
    volatile_lines=VOLATILE,
    config_mode=("system-view", "return"),
    config_global_indent=True,
    restore=RESTORE,
)
