# The cliconf and terminal plugins built on this module derive from ansible.netcommon's plugin
# bases (GPL-3.0-or-later); so does this shared code.
"""The shared code of our cliconf and terminal plugins (plugins/cliconf/<platform>.py,
plugins/terminal/<platform>.py): a plugin names its platform, everything vendor-specific (prompts,
error lines, paging, version, configuration commands and mode) comes from the vendor module.

Imported only by Ansible plugins: it needs ansible-core and the ansible.netcommon collection.
"""

from __future__ import annotations

import json
from typing import Any

from ansible.errors import AnsibleConnectionFailure
from ansible_collections.ansible.netcommon.plugins.plugin_utils.cliconf_base import CliconfBase
from ansible_collections.ansible.netcommon.plugins.plugin_utils.terminal_base import TerminalBase

from courtops import vendors
from courtops.cliconf_diff import DEVICE_OPERATIONS, OPTION_VALUES, generate_diff


class VendorTerminal(TerminalBase):  # type: ignore[misc]
    """Prompts, error patterns and paging of the vendor named by ``PLATFORM``."""

    PLATFORM = ""
    terminal_initial_prompt = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        vendor = vendors.get(cls.PLATFORM)
        # network_cli reads these class attributes of the terminal plugin
        cls.terminal_stdout_re = list(vendor.prompts)
        cls.terminal_stderr_re = list(vendor.terminal_errors)

    def on_open_shell(self) -> None:
        for command in vendors.get(self.PLATFORM).paging_off:
            try:
                self._exec_cli_command(command.encode())
            except AnsibleConnectionFailure as exc:
                raise AnsibleConnectionFailure(f"unable to turn off paging ({command})") from exc


class VendorCliconf(CliconfBase):  # type: ignore[misc]
    """Device facts, configuration and commands of the vendor named by ``PLATFORM``."""

    PLATFORM = ""
    #: read once per persistent connection: every cli_config asks for the capabilities, and the
    #: hostname costs a whole `display current-configuration` (slow on a big switch)
    _device_info: dict[str, Any] | None = None

    @property
    def vendor(self) -> vendors.Vendor:
        return vendors.get(self.PLATFORM)

    def get_device_info(self) -> dict[str, Any]:
        if self._device_info is None:
            self._device_info = self._read_device_info()
        return dict(self._device_info)

    def _read_device_info(self) -> dict[str, Any]:
        vendor = self.vendor
        reply = self.get(vendor.version_command)
        info: dict[str, Any] = {"network_os": vendor.network_os}
        version = vendor.version(reply)
        if version is not None:
            info["network_os_version"] = version.text
        model = vendor.model_pattern.search(reply) if vendor.model_pattern else None
        if model:
            info["network_os_model"] = model.group(1)
        if vendor.hostname_pattern is not None:
            name = vendor.hostname_pattern.search(self.get(vendor.config_command))
            if name:
                info["network_os_hostname"] = name.group(1)
        return info

    def get_config(
        self, source: str = "running", flags: list[str] | None = None, format: str | None = None
    ) -> Any:
        vendor = self.vendor
        commands = {"running": vendor.config_command, "startup": vendor.saved_config_command}
        if not commands.get(source):
            raise ValueError(f"fetching configuration from {source} is not supported")
        cmd = commands[source]
        if flags:
            cmd += " " + " ".join(flags)
        return self.send_command(cmd)

    def get_device_operations(self) -> dict[str, Any]:
        return dict(DEVICE_OPERATIONS)

    def get_option_values(self) -> dict[str, Any]:
        return dict(OPTION_VALUES)

    def get_diff(
        self,
        candidate: Any = None,
        running: Any = None,
        diff_match: str = "line",
        diff_ignore_lines: Any = None,
        path: Any = None,
        diff_replace: str = "line",
    ) -> dict[str, Any]:
        # cli_config pushes only this diff, so a second identical push changes nothing
        return generate_diff(
            candidate,
            running,
            diff_match=diff_match,
            diff_ignore_lines=diff_ignore_lines,
            path=path,
            diff_replace=diff_replace,
            global_indent=self.vendor.config_global_indent,
        )

    def edit_config(
        self, candidate: Any = None, commit: bool = True, replace: Any = None, comment: Any = None
    ) -> Any:
        results = []
        requests = []
        if commit:
            if self.vendor.config_mode is None:
                raise ValueError(f"{self.PLATFORM}: no configuration mode declared")
            enter, leave = self.vendor.config_mode
            self.send_command(enter)
            for line in candidate if isinstance(candidate, list) else str(candidate).splitlines():
                if line.strip() and line.strip() != "#":
                    results.append(self.send_command(line))
                    requests.append(line)
            self.send_command(leave)
        return {"request": requests, "response": results}

    def get(
        self,
        command: str | None = None,
        prompt: Any = None,
        answer: Any = None,
        sendonly: bool = False,
        newline: bool = True,
        output: Any = None,
        check_all: bool = False,
    ) -> Any:
        if not command:
            raise ValueError("must provide value of command to execute")
        if output:
            raise ValueError(f"'output' value {output} is not supported for get")
        return self.send_command(
            command=command,
            prompt=prompt,
            answer=answer,
            sendonly=sendonly,
            newline=newline,
            check_all=check_all,
        )

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
