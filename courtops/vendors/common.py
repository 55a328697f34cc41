"""Text helpers several vendor modules share: configuration sections, interface names, tables.

Nothing here knows a vendor; each helper takes the vendor's own patterns or words as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from courtops.vendors.base import Facts, Interface

IP = r"(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]+:[0-9A-Fa-f:]*)"
NEVER = 9999.0  # "idle-timeout 0 0": the session never times out
DEFAULT_COMMUNITIES = frozenset({"public", "private"})
#: interface names that are not front-panel ports (logical, management, aggregate)
_LOGICAL = re.compile(
    r"^(vlan|loop|null|inloop|reg|tunnel|nve|meth|m-ge|m-eth|mgmt|aux|eth-trunk|bridge|port-channel"
    r"|dialer|cellular|virtual)",
    re.I,
)
_NAME = re.compile(r"^[A-Za-z][\w\-/.:()]*\d")
_UNITS = {"year": 365 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600, "minute": 60}


def refused(text: str, errors: Iterable[re.Pattern[str]]) -> bool:
    """The device refused the command: its output carries one of the vendor's CLI error lines."""
    return any(p.search(text) for p in errors)


def command(evidence: dict[str, Any], *names: str) -> str | None:
    """The non-empty output of the first of ``names`` present in ``{"commands": {...}}``."""
    cmds = evidence.get("commands")
    if isinstance(cmds, dict):
        for name in names:
            value = cmds.get(name)
            if isinstance(value, list):
                value = "\n".join(map(str, value))
            if isinstance(value, str) and value.strip():
                return value
    return None


def blocks(text: str, header: re.Pattern[str]) -> list[tuple[re.Match[str], list[str]]]:
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


def idle_minutes(lines: list[str], keyword: str) -> float | None:
    for line in lines:
        m = re.match(rf"{keyword}\s+(\d+)(?:\s+(\d+))?", line)
        if m:
            minutes, seconds = int(m.group(1)), int(m.group(2) or 0)
            return NEVER if minutes == 0 and seconds == 0 else minutes + seconds / 60
    return None


def max_idle(vtys: list[tuple[re.Match[str], list[str]]], keyword: str, default: float) -> float:
    """The longest VTY idle timeout; a VTY without the keyword has the vendor default."""
    idle = [idle_minutes(body, keyword) for _, body in vtys]
    return max((default if i is None else i) for i in idle) if idle else default


_ABBREV = (
    ("ten-gigabitethernet", "xge"),
    ("xgigabitethernet", "xge"),
    ("tengigabitethernet", "te"),
    ("fortygige", "fge"),
    ("gigabitethernet", "ge"),
    ("fastethernet", "fe"),
    ("ethernet", "eth"),
)


def ifkey(name: str) -> str:
    """GigabitEthernet1/0/3 and GE1/0/3 name the same port."""
    key = name.lower()
    for long, short in _ABBREV:
        if key.startswith(long):
            return short + key[len(long) :]
    m = re.match(r"(gi|te|fa)(\d.*)$", key)  # IOS short forms Gi1/0/3, Te1/1/1, Fa0/1
    if m:
        return {"gi": "ge", "te": "te", "fa": "fe"}[m.group(1)] + m.group(2)
    return key


def shut_in_config(config: str) -> set[str]:
    """Interfaces administratively shut in the configuration (authoritative over a status table)."""
    shut = set()
    for m, body in blocks(config, re.compile(r"^interface (\S+)")):
        if "shutdown" in body:
            shut.add(ifkey(m.group(1)))
    return shut


def is_port(name: str) -> bool:
    """A front-panel port (not a VLAN interface, loopback, trunk, tunnel, management port)."""
    return bool(_NAME.match(name)) and not _LOGICAL.match(name)


def unused_open_ports(rows: list[Interface] | None, config: str) -> list[str] | None:
    """Ports without a link that are not shut (unused yet open); None when the table is unknown."""
    if rows is None:
        return None
    shut = shut_in_config(config)
    out = []
    for row in rows:
        name = row["name"].split("(")[0]
        if is_port(name) and row["admin"] == "up" and row["link"] == "down" and ifkey(name) not in shut:
            out.append(name)
    return out


def table_rows(
    text: str, header: Callable[[list[str]], bool], row: Callable[[list[str], list[str]], Interface | None]
) -> list[Interface] | None:
    """Rows of every table in ``text`` whose header line ``header`` accepts (a device may print
    several, e.g. Comware's route-mode and bridge-mode tables); a table ends at a blank line.
    None when no header is found (the output is not an interface table)."""
    out: list[Interface] = []
    columns: list[str] | None = None
    seen = False
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            columns = None
            continue
        if header(fields):
            columns, seen = fields, True
            continue
        if columns is None or not _NAME.match(fields[0]):
            continue
        parsed = row(columns, fields)
        if parsed is not None:
            out.append(parsed)
    return out if seen else None


def uptime_seconds(text: str) -> float | None:
    """The chassis uptime from `display version` / `show version` ("uptime is 2 weeks, 5 days, …")."""
    match = re.search(r"uptime is\s+([^\n]+)", text, re.IGNORECASE)
    if not match:
        return None
    total = 0.0
    for number, unit in re.findall(r"(\d+)\s*(year|week|day|hour|minute)s?", match.group(1)):
        total += int(number) * _UNITS[unit]
    return total if re.search(r"\d", match.group(1)) else None


def first_float(text: str, patterns: Iterable[str], flags: int = 0) -> float | None:
    for pattern in patterns:
        match = re.search(pattern, text, flags)
        if match:
            return float(match.group(1))
    return None


def environment_problems(text: str, ok_words: tuple[str, ...] = ()) -> list[str] | None:
    """Components whose state is not normal in `display device` / `show environment all`;
    None when no component state is recognisable at all. ``ok_words``: the vendor's own words
    for a healthy component besides the common ones (Comware's board states Master / Standby)."""
    bad = []
    seen = False
    ok = "|".join(("normal", "ok", "good", "present", "registered", "online", *ok_words))
    for line in text.splitlines():
        lowered = line.lower()
        if re.search(rf"\b({ok})\b", lowered):
            seen = True
        if re.search(r"\b(abnormal|fault|failed|failure|critical|absent|offline|not ok)\b", lowered):
            bad.append(" ".join(line.split()))
    return bad if seen or bad else None


def matching_lines(text: str, patterns: Iterable[str]) -> list[str]:
    compiled = [re.compile(p) for p in patterns]
    return [" ".join(line.split()) for line in text.splitlines() if any(p.search(line) for p in compiled)]


# --------------------------------------------------------------------------- views of VRP / Comware
_VIEW_END = re.compile(r"^\s*(#|return)\s*$", re.I)
#: lines that open a view of their own (a body never starts with these words)
_VIEW_HEAD = re.compile(
    r"^(interface|local-user|line|user-interface|user-group|vlan|ospf|bgp|isis|rip|radius scheme"
    r"|hwtacacs scheme|domain|aaa|ike|ipsec|stp|irf|snmp-agent|info-center|ntp-service|ssh|telnet"
    r"|ftp|sysname|return)\b",
    re.I,
)


def views(config: str, header: re.Pattern[str]) -> list[tuple[re.Match[str], list[str]]]:
    """Views of a ``#``-separated configuration (VRP, Comware) whose first line matches ``header``,
    whatever the indentation: generated and hand-written files put the view's lines at column 0 or
    the view header after a space. A view ends at ``#``, ``return`` or the next view header."""
    out: list[tuple[re.Match[str], list[str]]] = []
    current: list[str] | None = None
    for line in config.splitlines():
        stripped = line.strip()
        m = header.match(stripped)
        if m:
            current = []
            out.append((m, current))
        elif _VIEW_END.match(line) or _VIEW_HEAD.match(stripped):
            current = None
        elif current is not None and stripped:
            current.append(stripped)
    return out


# --------------------------------------------------------------------------- ACLs
def acl_restricts(rules: list[str] | None, permits_any: Callable[[str], bool]) -> bool:
    """An ACL restricts management access only when it is defined (an undefined ACL permits
    everyone on Comware and is no restriction anywhere), has rules, and no permit rule lets any
    source in (``permits_any`` is the vendor's reading of one rule)."""
    return bool(rules) and not any(permits_any(rule) for rule in rules or [])


# --------------------------------------------------------------------------- fragments
FRAGMENT = "配置不完整（没有 vty 段，不是设备的完整配置）：配置中未出现的项不作为证据，缺省值不套用"


def drop_absence(facts: Facts, names: Iterable[str]) -> None:
    """In a fragment a missing line proves nothing: drop the facts ``names`` that rest on a
    line's absence (None, False, an empty list) so they stay 待人工; what a line shows stays."""
    for name in names:
        if name in facts and facts[name] in (None, False, [], {}):
            del facts[name]


# --------------------------------------------------------------------------- SNMP communities
#: strength classes of a stored secret: the value itself is never a fact
PLAINTEXT, REVERSIBLE, HASHED = "plaintext", "reversible", "hashed"
_STRENGTH_TEXT = {PLAINTEXT: "明文", REVERSIBLE: "可逆密文", HASHED: "不可逆散列"}


def snmp_community_facts(communities: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Community facts from ``(access, strength, value)`` triples. The value decides only whether
    a factory default (public/private) is kept in plain text; it never becomes a fact: the facts
    are one descriptor per community (access and strength), the strength classes and the
    descriptors of the default communities."""
    shown = [
        f"{access or '未指定权限'}（{_STRENGTH_TEXT[strength]}，已隐藏）"
        for access, strength, _ in communities
    ]
    default = [
        f"{access or '未指定权限'}（出厂默认团体字）"
        for access, strength, value in communities
        if strength == PLAINTEXT and value.lower() in DEFAULT_COMMUNITIES
    ]
    return {
        "net.snmp_communities": shown,
        "net.snmp_community_strength": sorted({strength for _, strength, _ in communities}),
        "net.snmp_default_communities": default,
    }


def cleartext_line_passwords(config: str) -> list[str]:
    """VRP / Comware passwords kept in plain text outside local users: `set authentication password
    simple …` in a login view, `super password … simple …` (the value is never shown)."""
    out = []
    for m in re.finditer(r"^\s*(set authentication password|super password)\b(.*)$", config, re.M):
        if re.search(r"\bsimple\b", m.group(2)):
            out.append(f"{m.group(1)} simple（已隐藏）")
    return out


def weak_stored_passwords(facts: Facts, weak_users: list[str], cleartext: list[str], stored: bool) -> None:
    """``net.weak_stored_passwords``: local users whose password form is plain or reversible, and
    enable/line/super passwords kept in plain text. Left out when ``stored`` is False (the
    configuration keeps no password at all: nothing to judge, 待人工)."""
    if stored:
        facts["net.weak_stored_passwords"] = [f"local-user {n}" for n in weak_users] + cleartext


# --------------------------------------------------------------------------- cleartext protocols
#: the service facts whose state says whether a cleartext management protocol is on, and the
#: protocol's name in ``net.cleartext_management_protocols`` (the names controls/thresholds.yml
#: lists in ``dengbao_net_cleartext_protocols``)
_CLEARTEXT_SERVICES = (
    ("net.telnet_enabled", "telnet"),
    ("net.http_enabled", "http"),
    ("net.ftp_enabled", "ftp"),
)
SNMP_V1_V2C = "snmpv1/v2c"


def cleartext_protocols(facts: Facts, problems: list[str], shown: Iterable[str] = ()) -> None:
    """``net.cleartext_management_protocols``: every cleartext management protocol the device has on
    (Telnet, HTTP, FTP servers; SNMPv1/v2c, which a community name enables), plus ``shown``: what
    the vendor's configuration shows besides (an IOS FTP/TFTP client or TFTP server).

    Computed from the facts already extracted (after a fragment's absence facts are dropped), so a
    default holds only for a known release. With every state known the set is exact (empty: none
    on). With some state unknown and none known on, the fact stays out (待人工). With some unknown
    and another protocol known on, the item is not 符合 whatever the unknown states are; the
    unknown protocols are then counted with the known ones (and named in ``problems``), so that a
    court's narrowed threshold list can never pass on a state nobody has seen."""
    on = set(shown)
    unknown = []
    for fact, name in _CLEARTEXT_SERVICES:
        state = facts.get(fact)
        if state is True:
            on.add(name)
        elif state is not False:
            unknown.append(name)
    communities = facts.get("net.snmp_communities")
    if isinstance(communities, list):
        if communities:
            on.add(SNMP_V1_V2C)
    else:
        unknown.append(SNMP_V1_V2C)
    if unknown:
        known = f"；已知启用：{'、'.join(sorted(on))}，未知者按启用计" if on else ""
        problems.append(f"明文管理协议状态未知：{'、'.join(unknown)}{known}")
        if not on:
            return
    facts["net.cleartext_management_protocols"] = sorted(on | set(unknown))
