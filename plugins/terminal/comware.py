# courtops: terminal plugin for H3C Comware (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. No H3C Comware terminal plugin ships with ansible 12, so this one is ours.
"""H3C Comware terminal: prompts, error lines and paging from the courtops vendor module courtops/vendors/comware.py."""

from __future__ import annotations

DOCUMENTATION = """
name: comware
short_description: H3C Comware terminal (courtops)
description:
  - Prompts C(<sysname>) (user view) and C([sysname]) / C([~sysname]) (system view), error lines, and
    C(screen-length disable) so long outputs arrive without --More-- pauses, as declared in courtops/vendors/comware.py.
author: courtops
"""

from courtops.vendors.cli_plugins import VendorTerminal


class TerminalModule(VendorTerminal):
    PLATFORM = "comware"
