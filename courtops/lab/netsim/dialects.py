"""What differs between the simulated vendors: config print format, section headers, CLI texts.

The texts are the real devices' (VRP V200R019, Comware 7.1, IOS-XE 17.9; formats as in the seeded
configs under lab/devices/configs and the public samples in ../shared/corpus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dialect:
    vendor: str
    separator: str  # the line between blocks: `#` (VRP, Comware) or `!` (IOS)
    trailer: str  # the config's end marker: `return` / `end`
    global_indent: int  # Comware prints global (non-section) lines with one leading space
    #: top-level lines that open a section (their following lines are its children)
    sections: tuple[re.Pattern[str], ...]
    #: sections opened inside another one: parent keyword -> child header patterns
    subsections: dict[str, tuple[re.Pattern[str], ...]]
    #: sections of this keyword follow each other without a separator between them
    grouped_sections: tuple[str, ...]
    #: a line replaces an earlier one with the same key (first group of the first match)
    single_keys: tuple[re.Pattern[str], ...]
    #: `undo X` / `no X` of a default-on feature is itself a configuration line
    default_on: tuple[re.Pattern[str], ...]
    negation: str  # `undo` / `no`
    config_commands: tuple[str, ...]  # print the running configuration
    errors: dict[str, str] = field(default_factory=dict)

    def is_section(self, text: str, parent: str = "") -> bool:
        patterns = self.subsections.get(parent.split()[0], ()) if parent else self.sections
        return any(p.match(text) for p in patterns)

    def key(self, text: str) -> str | None:
        for pattern in self.single_keys:
            m = pattern.match(text)
            if m:
                return m.group(1)
        return None

    def keeps_negation(self, text: str) -> bool:
        return any(p.match(text) for p in self.default_on)

    def error(self, kind: str) -> str:
        return self.errors[kind]


def _re(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


VRP = Dialect(
    vendor="vrp",
    separator="#",
    trailer="return",
    global_indent=0,
    sections=_re(
        r"interface \S+",
        r"user-interface ",
        r"aaa$",
        r"acl (number|name) ",
        r"vlan \d+$",
        r"ospf( |$)",
        r"bgp ",
        r"rip( |$)",
        r"stelnet-server ",
        r"hwtacacs-server template ",
        r"radius-server template ",
    ),
    subsections={
        "aaa": _re(
            r"(authentication|authorization|accounting)-scheme \S+$",
            r"domain \S+$",
            r"local-aaa-user password policy (administrator|access-user)$",
        ),
    },
    grouped_sections=("user-interface",),
    single_keys=_re(
        r"(sysname) ",
        r"(clock timezone) ",
        r"(idle-timeout) ",
        r"(authentication-mode) ",
        r"(user privilege level) ",
        r"(protocol inbound) ",
        r"(ip address) (?!.* sub$)",
        r"(port link-type) ",
        r"(port default vlan) ",
        r"(description) ",
        r"(rule \d+) ",
        r"(password expire) ",
        r"(password history record number) ",
        r"(local-user \S+ password) ",
        r"(local-user \S+ privilege level) ",
        r"(local-user \S+ service-type) ",
        r"(local-aaa-user wrong-password) ",
        r"(acl) \d+ inbound",
        r"(ssh server cipher) ",
        r"(ssh server hmac) ",
        r"(info-center timestamp log) ",
        r"(snmp-agent sys-info version) ",
        r"(ssh server acl) ",
        r"(ssh server-source) ",
        r"(shell|undo shell)$",
    ),
    default_on=_re(
        r".* enable$",
        r"telnet ",
        r"http ",
        r"ftp server",
        r"shell$",
        r"lldp ",
        r"local-aaa-user password policy administrator$",  # on by default: disabled prints its undo line
    ),
    negation="undo",
    config_commands=("display current-configuration", "display current-configuration all"),
    errors={
        "unrecognized": "\n            ^\nError: Unrecognized command found at '^' position.",
        "incomplete": "\n            ^\nError: Incomplete command found at '^' position.",
        "wrong_parameter": "\n            ^\nError: Wrong parameter found at '^' position.",
        "no_file": "Error: The file does not exist.",
        "wrong_file": "Error: Wrong file name.",
    },
)

COMWARE = Dialect(
    vendor="comware",
    separator="#",
    trailer="return",
    global_indent=1,
    sections=_re(
        r"interface \S+",
        r"line (class|vty|aux|con) ",
        r"local-user \S+",
        r"acl (basic|advanced|number|name) ",
        r"vlan \d+$",
        r"user-group ",
        r"radius scheme ",
        r"hwtacacs scheme ",
        r"domain (name )?\S+$",
        r"role name ",
        r"ospf( |$)",
        r"bgp ",
    ),
    subsections={},
    grouped_sections=(),
    single_keys=_re(
        r"(sysname) ",
        r"(clock timezone) ",
        r"(idle-timeout) ",
        r"(authentication-mode) ",
        r"(protocol inbound) ",
        r"(ip address) (?!.* sub$)",
        r"(port access vlan) ",
        r"(port link-type) ",
        r"(description) ",
        r"(rule \d+) ",
        r"(password-control (?:aging|length|history|login-attempt)) ",
        r"(password-control composition) ",
        r"(password) (?:hash|cipher|simple) ",  # a user has one password, whatever its form
        r"(ssh server acl) ",
        r"(info-center timestamp loghost) ",
        r"(snmp-agent sys-info version) ",
    ),
    default_on=_re(r".* enable$", r"telnet ", r"ip http", r"ip https", r"ftp server"),
    negation="undo",
    config_commands=("display current-configuration",),
    errors={
        "unrecognized": "              ^\n % Unrecognized command found at '^' position.",
        "incomplete": "              ^\n % Incomplete command found at '^' position.",
        "wrong_parameter": "              ^\n % Wrong parameter found at '^' position.",
        "no_file": "The file does not exist.",
        "wrong_file": "The file name is invalid.",
    },
)

IOS = Dialect(
    vendor="ios",
    separator="!",
    trailer="end",
    global_indent=0,
    sections=_re(
        r"interface \S+",
        r"line (con|vty|aux) ",
        r"ip access-list (standard|extended) \S+$",
        r"router ",
        r"class-map ",
        r"policy-map ",
        r"vlan \d+$",
        r"archive$",
        r"control-plane$",
        r"ip ssh pubkey-chain$",
        r"crypto pki trustpoint ",
    ),
    subsections={},
    grouped_sections=("line",),
    single_keys=_re(
        r"(hostname) ",
        r"(clock timezone) ",
        r"(exec-timeout) ",
        r"(ip address) (?!.* secondary$)",
        r"(switchport mode) ",
        r"(switchport access vlan) ",
        r"(description) ",
        r"(\d+) ",
        r"(access-class) \S+ in",
        r"(transport input) ",
        r"(ip ssh version) ",
        r"(ip ssh time-out) ",
        r"(ip ssh authentication-retries) ",
        r"(security passwords min-length) ",
        r"(login block-for) ",
        r"(logging buffered) ",
        r"(enable secret) ",
        r"(username \S+) ",
        r"(ip domain name) ",
    ),
    default_on=_re(
        r"service ",
        r"ip http ",
        r"ip domain lookup$",
        r"ip source-route$",
        r"ip proxy-arp$",
        r"cdp run$",
        r"logging console$",
        r"ip bootp server$",
        r"ip finger$",
    ),
    negation="no",
    config_commands=("show running-config", "show running-config all", "more system:running-config"),
    errors={
        "unrecognized": "                ^\n% Invalid input detected at '^' marker.",
        "incomplete": "% Incomplete command.",
        "wrong_parameter": "                ^\n% Invalid input detected at '^' marker.",
        "no_file": "%Error opening {path} (No such file or directory)",
        "wrong_file": "%Error parsing filename (Invalid argument)",
    },
)

DIALECTS = {d.vendor: d for d in (VRP, COMWARE, IOS)}
