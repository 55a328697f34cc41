"""cli_config's diff for our VRP and Comware cliconf plugins (cisco.ios computes its own).

cli_config pushes only what `get_diff` returns, so a second identical push changes nothing. The
diff is ansible.netcommon's NetworkConfig (one-space indentation, `#` / `!` lines ignored), after
Comware's global lines (printed with one leading space after a `#`) are unindented so that they are
not read as children of the section printed before them.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.ansible.netcommon.plugins.module_utils.network.common.config import (
    NetworkConfig,
    dumps,
)

DEVICE_OPERATIONS: dict[str, bool] = {
    "supports_diff_replace": True, "supports_commit": False, "supports_rollback": False,
    "supports_defaults": False, "supports_onbox_diff": False, "supports_commit_comment": False,
    "supports_multiline_delimiter": False, "supports_diff_match": True, "supports_diff_ignore_lines": True,
    "supports_generate_diff": True, "supports_replace": False,
}  # fmt: skip
OPTION_VALUES: dict[str, list[str]] = {
    "format": ["text"], "diff_match": ["line", "strict", "exact", "none"], "diff_replace": ["line", "block"],
    "output": [],
}  # fmt: skip
_COMMENTS = ["#", "!"]


def unindent_globals(config: str) -> str:
    """Comware: ` sysname X` between `#` lines is a global line, not a child of the last section."""
    out, in_section = [], False
    for line in config.splitlines():
        if line.strip() == "#":
            in_section = False
        elif line and not line.startswith(" "):
            in_section = True
        elif not in_section and line.startswith(" ") and not line.startswith("  "):
            line = line[1:]
        out.append(line)
    return "\n".join(out)


def generate_diff(
    candidate: Any,
    running: Any,
    *,
    diff_match: str = "line",
    diff_ignore_lines: Any = None,
    path: Any = None,
    diff_replace: str = "line",
    global_indent: bool = False,
) -> dict[str, Any]:
    """The candidate's lines missing from the running configuration, with their section headers."""
    if candidate is None:
        raise ValueError("candidate configuration is required to generate diff")
    if diff_match not in OPTION_VALUES["diff_match"]:
        raise ValueError(f"'diff_match' value {diff_match!r} is invalid")
    prepare = unindent_globals if global_indent else str
    wanted = NetworkConfig(indent=1, comment_tokens=_COMMENTS)
    wanted.load(prepare(str(candidate)))
    if running and diff_match != "none":
        have = NetworkConfig(
            indent=1, contents=prepare(str(running)), ignore_lines=diff_ignore_lines, comment_tokens=_COMMENTS
        )
        objs = wanted.difference(have, path=path, match=diff_match, replace=diff_replace)
    else:
        objs = wanted.items
    return {"config_diff": dumps(objs, "commands") if objs else "", "banner_diff": {}}
