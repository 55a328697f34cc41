# courtops: cliconf plugin for Huawei VRP (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. community.network's `ce` plugin is not in ansible 12, so this one is ours.
"""Huawei VRP: device facts, `display current-configuration`, commands and config lines."""

from __future__ import annotations

import json
import re
from typing import Any

from ansible_collections.ansible.netcommon.plugins.plugin_utils.cliconf_base import CliconfBase

from courtops.cliconf_diff import DEVICE_OPERATIONS, OPTION_VALUES, generate_diff

DOCUMENTATION = """
name: vrp
short_description: Huawei VRP cliconf (courtops)
description:
  - Runs commands on Huawei VRP devices over network_cli and reads the running configuration with
    C(display current-configuration). Configuration changes go through C(system-view) ... C(return).
author: courtops
"""

CONFIG_COMMAND = "display current-configuration"


class Cliconf(CliconfBase):
    def get_device_info(self) -> dict[str, Any]:
        reply = self.get("display version")
        info: dict[str, Any] = {"network_os": "vrp"}
        m = re.search(r"VRP \(R\) software, Version (\S+) \(([^)]+)\)", reply)
        if m:
            info["network_os_version"] = f"{m.group(1)} ({m.group(2)})"
        m = re.search(r"^(?:HUAWEI|Quidway)\s+(\S+).* uptime is", reply, re.M)
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
        return dict(DEVICE_OPERATIONS)

    def get_option_values(self) -> dict[str, Any]:
        return dict(OPTION_VALUES)

    def get_diff(self, candidate: Any = None, running: Any = None, diff_match: str = "line",
                 diff_ignore_lines: Any = None, path: Any = None, diff_replace: str = "line") -> dict[str, Any]:  # fmt: skip
        # cli_config pushes only this diff, so a second identical push changes nothing
        return generate_diff(candidate, running, diff_match=diff_match, diff_ignore_lines=diff_ignore_lines,
                             path=path, diff_replace=diff_replace, global_indent=False)  # fmt: skip

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
