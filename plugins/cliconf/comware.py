# courtops: cliconf plugin for H3C Comware (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. No H3C collection exists for ansible 12, so this one is ours.
"""H3C Comware: device facts, `display current-configuration`, commands and config lines."""

from __future__ import annotations

import json
import re
from typing import Any

from ansible_collections.ansible.netcommon.plugins.module_utils.network.common.config import (
    NetworkConfig,
    dumps,
)
from ansible_collections.ansible.netcommon.plugins.plugin_utils.cliconf_base import CliconfBase

DOCUMENTATION = """
name: comware
short_description: H3C Comware cliconf (courtops)
description:
  - Runs commands on H3C Comware devices over network_cli and reads the running configuration with
    C(display current-configuration). Configuration changes go through C(system-view) ... C(return).
author: courtops
"""

CONFIG_COMMAND = "display current-configuration"


class Cliconf(CliconfBase):
    def get_device_info(self) -> dict[str, Any]:
        reply = self.get("display version")
        info: dict[str, Any] = {"network_os": "comware"}
        m = re.search(r"Comware Software, Version (\S+), Release (\S+)", reply)
        if m:
            info["network_os_version"] = f"{m.group(1)} Release {m.group(2)}"
        m = re.search(r"^(?:H3C|HPE|HP)\s+(\S+).* uptime is", reply, re.M)
        if m:
            info["network_os_model"] = m.group(1)
        m = re.search(r"^sysname (\S+)", self.get(CONFIG_COMMAND), re.M)
        if m:
            info["network_os_hostname"] = m.group(1)
        return info

    def get_config(
        self, source: str = "running", flags: list[str] | None = None, format: str | None = None
    ) -> Any:
        if source not in ("running", "startup"):
            raise ValueError(f"fetching configuration from {source} is not supported")
        cmd = CONFIG_COMMAND if source == "running" else "display saved-configuration"
        if flags:
            cmd += " " + " ".join(flags)
        return self.send_command(cmd)

    def get_device_operations(self) -> dict[str, Any]:
        # the diff is computed here (cli_config pushes only the missing lines, so a second push is a no-op)
        return {
            "supports_diff_replace": True, "supports_commit": False, "supports_rollback": False,
            "supports_defaults": False, "supports_onbox_diff": False, "supports_commit_comment": False,
            "supports_multiline_delimiter": False, "supports_diff_match": True, "supports_diff_ignore_lines": True,
            "supports_generate_diff": True, "supports_replace": False,
        }  # fmt: skip

    def get_option_values(self) -> dict[str, Any]:
        return {"format": ["text"], "diff_match": ["line", "strict", "exact", "none"],
                "diff_replace": ["line", "block"], "output": []}  # fmt: skip

    def get_diff(self, candidate: Any = None, running: Any = None, diff_match: str = "line",
                 diff_ignore_lines: Any = None, path: Any = None, diff_replace: str = "line") -> dict[str, Any]:  # fmt: skip
        """The candidate's lines missing from the running configuration, with their section headers."""
        if candidate is None:
            raise ValueError("candidate configuration is required to generate diff")
        if diff_match not in self.get_option_values()["diff_match"]:
            raise ValueError(f"'diff_match' value {diff_match!r} is invalid")
        tokens = ["#", "!"]
        candidate_obj = NetworkConfig(indent=1, comment_tokens=tokens)
        candidate_obj.load(_flatten(str(candidate)))
        if running and diff_match != "none":
            running_obj = NetworkConfig(indent=1, contents=_flatten(str(running)), ignore_lines=diff_ignore_lines,
                                        comment_tokens=tokens)  # fmt: skip
            objs = candidate_obj.difference(running_obj, path=path, match=diff_match, replace=diff_replace)
        else:
            objs = candidate_obj.items
        return {"config_diff": dumps(objs, "commands") if objs else "", "banner_diff": {}}

    def edit_config(
        self, candidate: Any = None, commit: bool = True, replace: Any = None, comment: Any = None
    ) -> Any:
        results = []
        requests = []
        if commit:
            self.send_command("system-view")
            for line in candidate if isinstance(candidate, list) else str(candidate).splitlines():
                if line.strip() and line.strip() != "#":
                    results.append(self.send_command(line))
                    requests.append(line)
            self.send_command("return")
        return {"request": requests, "response": results}

    def get(self, command: str | None = None, prompt: Any = None, answer: Any = None, sendonly: bool = False,
            newline: bool = True, output: Any = None, check_all: bool = False) -> Any:  # fmt: skip
        if not command:
            raise ValueError("must provide value of command to execute")
        if output:
            raise ValueError(f"'output' value {output} is not supported for get")
        return self.send_command(command=command, prompt=prompt, answer=answer, sendonly=sendonly,
                                 newline=newline, check_all=check_all)  # fmt: skip

    def get_capabilities(self) -> str:
        result = super().get_capabilities()
        result["rpc"] += ["run_commands", "get_diff"]
        result["device_info"] = self.get_device_info()
        result["device_operations"] = self.get_device_operations()
        result.update(self.get_option_values())
        result["network_api"] = "cliconf"
        return json.dumps(result)

    def run_commands(self, commands: list[Any] | None = None, check_rc: bool = True) -> list[Any]:
        if commands is None:
            raise ValueError("'commands' value is required")
        responses = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                cmd = {"command": cmd}
            if cmd.get("output"):
                raise ValueError(f"'output' value {cmd['output']} is not supported for run_commands")
            responses.append(self.send_command(**cmd))
        return responses


def _flatten(config: str) -> str:
    """Comware prints global lines with one leading space (` sysname X` after `#`): unindent them, so
    they are not read as children of the section printed before them."""
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
