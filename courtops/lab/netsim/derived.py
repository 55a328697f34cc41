"""Status outputs that follow the running configuration, so a hardened device looks hardened.

The static outputs of lab/devices/<vendor>.yml stay the template; only the fields the configuration
decides are rewritten, and only when the configuration says something explicit (otherwise the
seeded value stays). The 等保 audit reads VRP's telnet, HTTP and SSH state from these commands.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_Field = tuple[str, Callable[[str], str | None]]


def _switch(on: str, off: str) -> Callable[[str], str | None]:
    def decide(config: str) -> str | None:
        if re.search(off, config, re.M):
            return "Disable"
        if re.search(on, config, re.M):
            return "Enable"
        return None

    return decide


def _lower(decide: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """`display http server` prints enabled / disabled."""

    def decide_lower(config: str) -> str | None:
        value = decide(config)
        return value.lower() + "d" if value else None

    return decide_lower


def _ssh_version(config: str) -> str | None:
    if re.search(r"^undo ssh server compatible-ssh1x enable$", config, re.M):
        return "2.0"
    if re.search(r"^ssh server compatible-ssh1x enable$", config, re.M):
        return "1.99"
    return None


def _ssh_acl(config: str) -> str:
    m = re.search(r"^ssh server acl (\S+)$", config, re.M)
    return m.group(1) if m else "0"


#: (vendor, command) -> [(label at the start of a line, value from the configuration)]
FIELDS: dict[tuple[str, str], list[_Field]] = {
    ("vrp", "display telnet server status"): [
        ("TELNET IPv4 server", _switch(r"^telnet server enable$", r"^(telnet server disable|undo telnet server enable)$")),
        ("TELNET IPv6 server", _switch(r"^telnet ipv6 server enable$", r"^(telnet ipv6 server disable|undo telnet ipv6 server enable)$")),
    ],
    ("vrp", "display http server"): [
        ("HTTP Server Status", _lower(_switch(r"^http server enable$", r"^undo http server enable$"))),
        ("HTTP Secure-server Status", _lower(_switch(r"^http secure-server enable$", r"^undo http secure-server enable$"))),
    ],
    ("vrp", "display ssh server status"): [
        ("SSH version", _ssh_version),
        ("Stelnet server", _switch(r"^stelnet server enable$", r"^undo stelnet server enable$")),
        ("SFTP Server", _switch(r"^sftp server enable$", r"^undo sftp server enable$")),
        ("ACL4 number", _ssh_acl),
    ],
}  # fmt: skip


def derive(vendor: str, command: str, output: str, config: str) -> str:
    fields = FIELDS.get((vendor, command))
    if not fields:
        return output
    lines = output.split("\n")
    for label, decide in fields:
        value = decide(config)
        if value is None:
            continue
        for i, line in enumerate(lines):
            m = re.match(rf"^(\s*{re.escape(label)}\s*:\s*)\S+", line)
            if m:
                lines[i] = m.group(1) + value
    return "\n".join(lines)
