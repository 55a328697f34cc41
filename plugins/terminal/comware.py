# courtops: terminal plugin for H3C Comware (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. No H3C Comware terminal plugin ships with ansible 12, so this one is ours.
"""Prompts, error patterns and pager setting of H3C Comware for ansible.netcommon.network_cli."""

from __future__ import annotations

import re

from ansible.errors import AnsibleConnectionFailure
from ansible_collections.ansible.netcommon.plugins.plugin_utils.terminal_base import TerminalBase

DOCUMENTATION = """
name: comware
short_description: H3C Comware terminal (courtops)
description:
  - Prompts C(<sysname>) (user view) and C([sysname]) / C([~sysname]) (system view), error lines, and
    C(screen-length disable) so long outputs arrive without --More-- pauses.
author: courtops
"""


class TerminalModule(TerminalBase):
    # <sysname>  [sysname]  [~sysname]  [*sysname-GigabitEthernet0/0/1]  (VRP 8 adds ~ and *)
    # TerminalBase declares these as plain class lists, hence the RUF012 waivers
    terminal_stdout_re = [re.compile(rb"[\r\n]?[<\[][~*]?[\w\-.:/\s]+[>\]]\s?$")]  # noqa: RUF012
    terminal_stderr_re = [  # noqa: RUF012
        re.compile(rb"Error: ", re.I),
        re.compile(rb"% ?Unrecognized command", re.I),
        re.compile(rb"% ?(?:Incomplete|Ambiguous|Too many parameters|Wrong parameter)", re.I),
    ]
    terminal_initial_prompt = None

    def on_open_shell(self) -> None:
        try:
            self._exec_cli_command(b"screen-length disable")
        except AnsibleConnectionFailure as exc:
            raise AnsibleConnectionFailure("unable to turn off paging (screen-length disable)") from exc
