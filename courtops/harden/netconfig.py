"""What the network hardening roles need to know about a device configuration, on the controller.

- `lines(text)`: the configuration as (section path, line) pairs, so two configurations can be
  compared as the device holds them (block order and the vendor's volatile lines aside);
- `undo_commands(before, after, platform)`: the commands that take the device from `after` back to
  `before` — VRP's rollback (VRP 5 has no `configuration replace`; IOS and Comware use theirs);
- `acl_permits(sources, address)`: whether a management ACL of `{address, wildcard}` entries lets
  `address` in, so a vty ACL that would cut off the controller is refused before it is sent.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: lines the device rewrites by itself (IOS byte count, last-change comments, VRP/Comware version header)
VOLATILE = re.compile(
    r"^(Building configuration\.\.\.|Current configuration : \d+ bytes|! ?Last configuration (change|was updated) at .*)$"
)
_SEPARATORS = ("#", "!")
_TRAILERS = ("return", "end")
_NEGATION = {"vrp": "undo", "comware": "undo", "ios": "no"}
_LEAVE = {"vrp": "quit", "comware": "quit", "ios": "exit"}  # back up one view
#: lines the device replaces when the same kind is typed again (a user's one password, a line's one
#: authentication mode): the undo retypes the old line, it does not negate the new one — VRP has no
#: `undo local-user NAME password irreversible-cipher …`, and undoing the mode would leave the default
_REPLACED = re.compile(r"^(local-user \S+ password|authentication-mode) ")


class ConfigError(ValueError):
    """The text is not a configuration (empty, or an error answer)."""


def _globals_unindented(text: str, platform: str) -> list[str]:
    """Comware prints global lines with one leading space after `#`: not children of a section."""
    out: list[str] = []
    in_section = False
    for raw in text.replace("\r", "").split("\n"):
        stripped = raw.strip()
        if stripped in _SEPARATORS:
            in_section = False
            out.append(stripped)
            continue
        if platform == "comware" and raw.startswith(" ") and not raw.startswith("  ") and not in_section:
            out.append(raw[1:])
            continue
        if raw and not raw.startswith(" "):
            in_section = True
        out.append(raw)
    return out


def lines(text: str, platform: str) -> list[tuple[tuple[str, ...], str]]:
    """(section headers from the top, line) for every configuration line, in the device's order."""
    if not text or not text.strip():
        raise ConfigError("empty configuration")
    out: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, int]] = []
    for raw in _globals_unindented(text, platform):
        stripped = raw.strip()
        if not stripped or stripped in _SEPARATORS or VOLATILE.match(stripped):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if indent == 0 and stripped in _TRAILERS:
            break
        if stripped.startswith("!"):
            continue  # VRP's `!Software Version` comment, IOS comments
        while stack and stack[-1][1] >= indent:
            stack.pop()
        out.append((tuple(h for h, _ in stack), stripped))
        stack.append((stripped, indent))
    return out


def same(before: str, after: str, platform: str) -> bool:
    """The two configurations hold the same lines in the same sections."""
    return sorted(lines(before, platform)) == sorted(lines(after, platform))


def _negate(line: str, negation: str) -> str:
    prefix = negation + " "
    return line[len(prefix) :] if line.startswith(prefix) else prefix + line


def undo_commands(before: str, after: str, platform: str) -> list[str]:
    """Commands typed in system view / global configuration that turn `after` back into `before`.

    Lines only in `after` are negated first (a whole added section by its header alone; a line that
    replaced one of its kind is not: retyping the old one replaces it again), then lines only in
    `before` are typed again; a line inside a section is typed after its section headers and
    followed by one `quit` / `exit` per header, so the next command is typed where it belongs."""
    negation = _NEGATION[platform]
    old, new = lines(before, platform), lines(after, platform)
    old_set, new_set = set(old), set(new)
    commands: list[str] = []
    # sections that did not exist before go with their header: their lines need no undo of their own
    added = {(*path, line) for path, line in new if (path, line) not in old_set}
    replaced = {(path, m.group(1)) for path, line in old if (m := _REPLACED.match(line))}
    for path, line in reversed(new):
        if (path, line) in old_set or any(path[: i + 1] in added for i in range(len(path))):
            continue
        if (m := _REPLACED.match(line)) and (path, m.group(1)) in replaced:
            continue  # typing the old line again (below) replaces it
        commands.extend(_typed(path, _negate(line, negation), _LEAVE[platform]))
    for path, line in old:
        if (path, line) not in new_set:
            commands.extend(_typed(path, line, _LEAVE[platform]))
    return commands


def _typed(path: tuple[str, ...], line: str, leave: str) -> list[str]:
    return [*path, line, *([leave] * len(path))]


def acl_permits(sources: Iterable[Mapping[str, Any]], address: str) -> bool:
    """Whether `address` matches one `{address, wildcard}` entry (wildcard bits set = any value)."""
    ip = int(ipaddress.IPv4Address(address.strip()))
    for entry in sources:
        base = int(ipaddress.IPv4Address(str(entry["address"]).strip()))
        wildcard = int(ipaddress.IPv4Address(str(entry.get("wildcard", "0.0.0.0")).strip()))
        if (ip & ~wildcard) & 0xFFFFFFFF == (base & ~wildcard) & 0xFFFFFFFF:
            return True
    return False
