"""Huawei VRP (S-series switches, AR routers, USG firewalls): everything courtops knows about it.

Formats follow real device output (../shared/corpus/vrp, tests/data/corpus/vrp, tests/data/inspection).
VRP 5 (V100R–V300R, "Version 5.x") and VRP 8 (V800R, "Version 8.x") differ in defaults; a version
that is not recognised has none.
"""

from __future__ import annotations

import re
from typing import Any

from courtops.vendors import common
from courtops.vendors.base import Facts, Interface, SoftwareVersion, Vendor, secret_rule
from courtops.vendors.restore import RestoreMethod, Step

PLATFORM = "vrp"
CONFIG_COMMAND = "display current-configuration"
#: Error lines VRP prints for a refused command ("Error: Unrecognized command found at '^' position.").
ERRORS = (
    re.compile(r"^\s*Error:", re.M),
    re.compile(r"%\s?Unrecognized command", re.I),
    re.compile(r"%\s?(?:Incomplete|Ambiguous|Too many parameters|Wrong parameter)", re.I),
)


# --------------------------------------------------------------------------- display version
def version(text: str) -> SoftwareVersion | None:
    """From `display version` ("VRP (R) software, Version 5.170 (S5735 V200R019C10SPC500)") or the
    configuration's first line ("!Software Version V200R019C10SPC500")."""
    m = re.search(r"VRP \(R\) software, Version (\d+)\.(\d+)\s*\(([^)]+)\)", text, re.I)
    if m:
        return SoftwareVersion(int(m.group(1)), f"{m.group(1)}.{m.group(2)} ({m.group(3)})")
    m = re.search(r"^!Software Version (V800R\S+)", text, re.M)
    if m:  # only V800R names its VRP (8); a V200R release runs VRP 5 on S switches, VRP 8 on CE
        return SoftwareVersion(8, m.group(1))
    return None


def uptime_seconds(text: str) -> float | None:
    return None if common.refused(text, ERRORS) else common.uptime_seconds(text)


# --------------------------------------------------------------------------- display interface brief
def _row(columns: list[str], fields: list[str]) -> Interface | None:
    if len(fields) < 3:
        return None
    phy, protocol = fields[1].lower(), fields[2].lower()
    phy = phy.split("(")[0]  # up(l): loopback, up(s): spoofing
    link = {"*down": "admin-down", "^down": "standby"}.get(phy, phy if phy in ("up", "down") else "down")
    errors = sum(int(x) for x in fields[5:7] if x.isdigit()) if len(fields) >= 7 else None
    return {
        "name": fields[0],
        "admin": "down" if phy.startswith("*") else "up",
        "oper": "up" if phy == "up" and protocol.startswith("up") else "down",
        "link": link,
        "errors": errors,
    }


def interfaces(text: str) -> list[Interface] | None:
    """`display interface brief`: Interface PHY Protocol InUti OutUti inErrors outErrors."""
    return common.table_rows(text, lambda f: f[:3] == ["Interface", "PHY", "Protocol"], _row)


# --------------------------------------------------------------------------- readings
def cpu_pct(text: str) -> float | None:
    """`display cpu-usage`: the five-minute figure, else the current CPU Usage."""
    return common.first_float(
        text, (r"five minutes:\s*(\d+(?:\.\d+)?)%", r"CPU Usage\s*:\s*(\d+(?:\.\d+)?)%")
    )


def memory_pct(text: str) -> float | None:
    return common.first_float(text, (r"Memory Using Percentage Is:\s*(\d+(?:\.\d+)?)%",))


def ntp_synchronized(text: str) -> bool | None:
    """`display ntp-service status`: "clock status: synchronized" / "unsynchronized"."""
    m = re.search(r"clock status:\s*(un)?synchronized", text, re.I)
    return None if m is None else m.group(1) is None


def environment_problems(text: str) -> list[str] | None:
    return None if common.refused(text, ERRORS) else common.environment_problems(text)


def alarms(text: str) -> list[str] | None:
    """`display alarm active`: critical/major alarms (and MODULE/0-3/MNEMONIC log entries); an
    output that is neither an alarm table nor log lines is not understood (None)."""
    if common.refused(text, ERRORS):
        return None
    found = common.matching_lines(
        text, (r"\b[A-Z][A-Z0-9_]*/[0-3]/[A-Z0-9_]+", r"(?i)\b(critical|major|emergency)\b")
    )
    if found or re.search(r"A=Sequence|\bAlarmId\b|\bSequence\b|no (active )?alarm", text, re.I):
        return found
    return None


def telnet_server(text: str) -> bool | None:
    """`display telnet server status`: TELNET IPv4 server : Enable / Disable."""
    m = re.search(r"TELNET (?:IPv4 )?server\s*:\s*(Enable|Disable)", text, re.I)
    return None if m is None else m.group(1).lower() == "enable"


def stelnet_server(text: str) -> bool | None:
    """`display ssh server status`: Stelnet server : Enable / Disable."""
    m = re.search(r"Stelnet server\s*:\s*(Enable|Disable)", text, re.I)
    return None if m is None else m.group(1).lower() == "enable"


def http_server(text: str) -> bool | None:
    """`display http server`: HTTP Server Status : enabled / disabled."""
    m = re.search(r"HTTP Server Status\s*:\s*(enabled?|disabled?)", text, re.I)
    return None if m is None else m.group(1).lower().startswith("enable")


# --------------------------------------------------------------------------- 等保 evidence
#: facts that rest on a line's absence: unknown in a fragment (a configuration without VTYs)
_ABSENCE = (
    "net.local_users",
    "net.password_policy_enabled",
    "net.password_max_age",
    "net.password_history",
    "net.password_min_length",
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
)


def _users(config: str, facts: Facts) -> dict[str, dict[str, Any]]:
    users: dict[str, dict[str, Any]] = {}
    for m in re.finditer(r"^\s*local-user (\S+) (.*)$", config, re.M):
        name, rest = m.group(1), m.group(2)
        u = users.setdefault(name, {"ptype": None, "services": []})
        pm = re.match(r"password (irreversible-cipher|cipher|simple)\b", rest)
        if pm:
            u["ptype"] = pm.group(1)
        sm = re.match(r"service-type (.*)", rest)
        if sm:  # one line per service or all on one line
            u["services"] += sm.group(1).split()
    facts["net.local_users"] = sorted(users)
    if users:
        facts["net.users_weak_password_type"] = sorted(
            n for n, u in users.items() if u["ptype"] in ("cipher", "simple")
        )
    return users


def _password_policy(config: str, facts: Facts) -> None:
    policy = common.blocks(config, re.compile(r"^\s*local-aaa-user password policy administrator\s*$"))
    facts["net.password_policy_enabled"] = bool(policy) and not re.search(
        r"^\s*undo local-aaa-user password policy administrator", config, re.M
    )
    if policy:  # within an enabled policy: expire 90 days, history 5 (VRP 5 and 8 alike)
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


_LINES = re.compile(r"^user-interface (con|console|aux|vty) (\d+)(?: (\d+))?", re.I)


def _acls(config: str) -> dict[str, list[str]]:
    """ACL number or name -> its rules (`acl number 2000`, `acl 2000`, `acl name X [3000]`)."""
    acls: dict[str, list[str]] = {}
    header = re.compile(r"^acl (?:ipv6 )?(?:number |name )?(\S+)(?: (\d+))?")
    for m, body in common.views(config, header):
        rules = [x for x in body if x.startswith("rule ") and re.search(r"\b(permit|deny)\b", x)]
        for key in filter(None, (m.group(1), m.group(2))):
            acls.setdefault(key, []).extend(rules)
    return acls


def _permits_any(rule: str) -> bool:
    """`rule 5 permit` / `rule 5 permit ip`: a permit rule that names no source address."""
    return bool(re.match(r"rule (\d+ )?permit\b", rule)) and not re.search(r"\bsource (?!any)", rule)


def _vty(config: str, facts: Facts) -> bool:
    """VTY facts; True when the configuration has its VTYs (a whole configuration always does)."""
    lines = common.views(config, _LINES)
    # VTY 16-20 are reserved for NMS users; an unconfigured block of them is not a login path.
    vtys = [(m, b) for m, b in lines if m.group(1).lower() == "vty" and (b or int(m.group(2)) < 16)]
    if not vtys:  # no vty section at all (a fragment): no facts about remote login
        return False
    facts["net.vty_idle_timeout_min"] = common.max_idle(vtys, "idle-timeout", 10.0)  # VRP default 10 min
    protocols: set[str] = set()
    for _, body in vtys:
        p = next((x.split()[-1] for x in body if x.startswith("protocol inbound")), None)
        protocols.update(["telnet", "ssh"] if p in (None, "all") else [p])
    facts["net.vty_protocols"] = sorted(protocols)
    acls = _acls(config)
    facts["net.vty_acl"] = all(
        any(
            common.acl_restricts(acls.get(a), _permits_any)
            for a in re.findall(r"^acl (?:ipv6 )?(\S+) inbound", "\n".join(b), re.M)
        )
        for _, b in vtys
    )
    # authentication-mode none: anonymous; password: one shared line password. A line without
    # the keyword: its default differs between VRP releases, so the lines stay unresolved.
    anonymous: list[str] | None = []
    consoles = [(m, b) for m, b in lines if m.group(1).lower() in ("con", "console")]
    for m, body in consoles + vtys + [(m, b) for m, b in lines if m.group(1).lower() == "aux"]:
        mode = next((x.split()[1] for x in body if x.startswith("authentication-mode ")), None)
        if mode is None or anonymous is None:
            anonymous = None
            continue
        if mode in ("none", "password"):
            name = " ".join(x for x in m.groups() if x)
            anonymous.append(f"user-interface {name}（{'无认证' if mode == 'none' else '仅线路口令'}）")
    if anonymous is not None and consoles:
        facts["net.anonymous_login_lines"] = anonymous
    return True


def _switch(
    facts: Facts, name: str, status: bool | None, config: str, on: str, off: str, default: Any = None
) -> None:
    """A service state: the status command's answer, else the configuration, else the version's
    documented default, else absent (待人工)."""
    if status is not None:
        facts[name] = status
    elif re.search(off, config, re.M):
        facts[name] = False
    elif re.search(on, config, re.M):
        facts[name] = True
    elif default is not None:
        facts[name] = default


#: defaults VRP 5 and VRP 8 share (a release whose VRP major is not printed still has these)
_SHARED_DEFAULTS = {"net.logging_enabled": True}


def snmp_communities(config: str) -> list[tuple[str, str, str]]:
    """(access, strength, value) of each `snmp-agent community read|write [cipher] NAME`;
    ``cipher`` and ``%^%#…%^%#`` / ``%$%$…%$%$`` are VRP's reversible encryption."""
    out = []
    for m in re.finditer(r"^\s*snmp-agent community (read|write) (cipher )?(\S+)", config, re.M):
        value = m.group(3)
        reversible = m.group(2) or value.startswith(("%^%#", "%$%$", "%@%@"))
        out.append((m.group(1), common.REVERSIBLE if reversible else common.PLAINTEXT, value))
    return out


def extract(evidence: dict[str, Any], facts: Facts, problems: list[str]) -> None:
    config = common.command(evidence, CONFIG_COMMAND, "config")
    if config is None:
        problems.append(f"缺少 {CONFIG_COMMAND} 输出")
        return
    config = config.replace("\r", "")
    ver = version(common.command(evidence, "display version") or "") or version(config)
    complete = _vty(config, facts)
    if not complete:
        problems.append(common.FRAGMENT)
    defaults = dict(VENDOR.defaults_for(ver)) if complete else {}
    if complete and ver is None and re.search(r"^!Software Version V\d{3}R", config, re.M):
        # a V100R–V800R release runs VRP 5 or VRP 8: what both share holds, nothing else
        defaults = dict(_SHARED_DEFAULTS)
    users = _users(config, facts)
    _password_policy(config, facts)
    common.weak_stored_passwords(
        facts,
        facts.get("net.users_weak_password_type", []),
        common.cleartext_line_passwords(config),
        bool(users) or bool(re.search(r"^\s*(set authentication password|super password) ", config, re.M)),
    )

    def status(cmd: str, parser: Any) -> bool | None:
        text = common.command(evidence, cmd)
        return None if text is None else parser(text)

    _switch(
        facts,
        "net.telnet_enabled",
        status("display telnet server status", telnet_server),
        config,
        r"(?i)^\s*telnet server enable",
        r"(?i)^\s*(undo telnet (server enable|server-source)|telnet server disable)",
        defaults.get("net.telnet_enabled"),
    )
    ssh = status("display ssh server status", stelnet_server)
    facts["net.ssh_enabled"] = (
        ssh if ssh is not None else bool(re.search(r"^\s*stelnet server enable", config, re.M))
    )  # STelnet is off unless enabled, in VRP 5 and 8
    _switch(
        facts,
        "net.http_enabled",
        status("display http server", http_server),
        config,
        r"^\s*http server enable",
        r"^\s*undo http server enable",
        defaults.get("net.http_enabled"),
    )
    # VRP 5 prints " FTP server enable"; the FTP server is off unless enabled (VRP 5 and 8)
    facts["net.ftp_enabled"] = bool(re.search(r"^\s*ftp (ipv6 )?server enable", config, re.M | re.I))
    cleartext_users = sorted(n for n, u in users.items() if {"telnet", "ftp", "http"} & set(u["services"]))
    facts["net.risky_services"] = [f"local-user {n} 明文服务类型" for n in cleartext_users]
    if facts["net.ftp_enabled"]:
        facts["net.risky_services"].append("ftp server")
    facts.update(common.snmp_community_facts(snmp_communities(config)))
    if re.search(r"^\s*undo info-center enable", config, re.M):
        facts["net.logging_enabled"] = False
    elif re.search(r"^\s*info-center enable", config, re.M) or "net.logging_enabled" in defaults:
        facts["net.logging_enabled"] = True  # the information center is on unless disabled
    facts["net.loghosts"] = re.findall(rf"^\s*info-center loghost (?:source \S+ )?{common.IP}", config, re.M)
    facts["net.ntp_servers"] = re.findall(
        rf"^\s*ntp-service unicast-server (?:ipv6 )?{common.IP}", config, re.M
    )
    tz = re.search(r"^\s*clock timezone (\S+)", config, re.M)
    facts["net.timezone"] = tz.group(1) if tz else None
    brief = common.command(evidence, "display interface brief")
    ports = common.unused_open_ports(interfaces(brief) if brief else None, config)
    if ports is not None:
        facts["net.unused_ports_open"] = ports
    if not complete:
        common.drop_absence(facts, _ABSENCE)
        # what the status commands answered is evidence whatever the configuration lacks
        for fact, cmd, parser in (
            ("net.telnet_enabled", "display telnet server status", telnet_server),
            ("net.ssh_enabled", "display ssh server status", stelnet_server),
            ("net.http_enabled", "display http server", http_server),
        ):
            answer = status(cmd, parser)
            if answer is not None:
                facts[fact] = answer
    common.cleartext_protocols(facts, problems)


#: VRP secret forms: password simple/cipher/irreversible-cipher values, %^%#…%^%# (and %$%$, %@%@)
#: ciphertext wherever it stands, SNMP communities and SNMPv3 keys, RADIUS/HWTACACS shared keys
#: Backup: lines that change on every read (Oxidized vrp.rb, RANCID vrp.pm; backup-anchors.md §1):
#: the time some builds print before each `display` (Oxidized PR #2933, #1218), the uptime lines of
#: `display version`, and the "!Last configuration was updated/saved at" stamp at the top of the
#: configuration. "!Software Version" stays: it changes only with an upgrade, a real change.
VOLATILE = (
    re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,3})? ?(?:[+-]\d\d:\d\d)?(?: DST)?$"),
    re.compile(r"\buptime is\b", re.I),
    re.compile(r"^!Last configuration was (?:updated|saved) at "),
)
BACKUP_COMMANDS = (CONFIG_COMMAND, "display version", "display device")

SECRET_RULES = (
    secret_rule(
        "VRP 口令（simple/cipher/irreversible-cipher）",
        r"\bpassword (?:irreversible-cipher|cipher|simple) (\S+)",
        hint=r"password ",
    ),
    secret_rule(
        "VRP 可逆密文 %^%#", r"(%\^%#.*?%\^%#|%\$%\$.*?%\$%\$|%@%@.*?%@%@)", hint=r"%\^%#|%\$%\$|%@%@"
    ),
    secret_rule(
        "SNMP 团体字",
        r"^\s*snmp-agent community (?:read|write) (?:cipher |simple )?(\S+)",
        hint="snmp-agent community",
    ),
    secret_rule(
        "SNMPv3 认证/加密密钥",
        r"^\s*snmp-agent usm-user .*?-mode \S+ (?:cipher |simple )?(\S+)",
        hint="snmp-agent usm-user",
    ),
    secret_rule("共享密钥", r"\bshared-key (?:cipher |simple )?(\S+)", hint="shared-key"),
    secret_rule("预共享密钥", r"\bpre-shared-key (?:cipher |simple )?(\S+)", hint="pre-shared-key"),
    secret_rule(
        "认证密钥",
        r"\bauthentication-key (?:\d+ )?(?:md5 |hmac-sha256 |sha256 )?(?:cipher |plain |simple )(\S+)",
        hint="authentication-key",
    ),
)


#: VRP 5 (S-series): the file onto flash (SFTP), make it the next startup file, reboot
#: (backup-anchors.md §5). The reboot asks first whether to save the running configuration into the
#: next startup file — the answer must be no, or the restored file would be overwritten.
RESTORE = RestoreMethod(
    name="startup saved-configuration + reboot",
    file="courtops-restore.cfg",
    steps=(
        Step("startup saved-configuration {file}", ok=re.compile(r"Succeeded in setting")),
        Step(
            "reboot",
            prompts=(r"saved to the next startup configuration.*\[y/n\]", r"System will reboot.*\[y/n\]"),
            answers=("n", "y"),
            closes=True,
        ),
    ),
    reboots=True,
)


VENDOR = Vendor(
    platform=PLATFORM,
    title="华为 VRP",
    network_os="vrp",
    aliases=("华为", "Huawei VRP"),
    # <sysname>  [sysname]  [~sysname]  [*sysname-GigabitEthernet0/0/1]  (VRP 8 adds ~ and *)
    prompts=(re.compile(rb"[\r\n]?[<\[][~*]?[\w\-.:/\s]+[>\]]\s?$"),),
    terminal_errors=(
        re.compile(rb"Error: ", re.I),
        re.compile(rb"% ?Unrecognized command", re.I),
        re.compile(rb"% ?(?:Incomplete|Ambiguous|Too many parameters|Wrong parameter)", re.I),
    ),
    paging_off=("screen-length 0 temporary",),
    version_command="display version",
    config_command=CONFIG_COMMAND,
    saved_config_command="display saved-configuration",
    model_pattern=re.compile(r"^(?:HUAWEI|Quidway)\s+(\S+).* uptime is", re.M),
    hostname_pattern=re.compile(r"^sysname (\S+)", re.M),
    audit_commands=(
        CONFIG_COMMAND,
        "display telnet server status",
        "display ssh server status",
        "display http server",
        "display interface brief",
        "display version",
    ),
    inspection_commands={
        "version": "display version",
        "cpu": "display cpu-usage",
        "memory": "display memory-usage",
        "interfaces": "display interface brief",
        "ntp": "display ntp-service status",
        "environment": "display device",
        "alarms": "display alarm active",
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
        # VRP 5: Telnet's default changed between releases (on before V200R010, off after), and the
        # HTTP server's differs by product line: no default is assumed.
        # The information center is on unless disabled (VRP 5 and 8).
        5: {"net.logging_enabled": True},
        # VRP 8 (CloudEngine, NE): the Telnet server is off unless configured.
        8: {"net.telnet_enabled": False, "net.logging_enabled": True},
    },
    backup_commands=BACKUP_COMMANDS,
    config_end_marker="return",
    cli_error_markers=ERRORS,
    volatile_lines=VOLATILE,
    secret_rules=SECRET_RULES,
    config_mode=("system-view", "return"),
    restore=RESTORE,
)
