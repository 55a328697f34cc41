# courtops: terminal plugin for Huawei VRP (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. No Huawei VRP terminal plugin ships with ansible 12, so this one is ours.
"""Huawei VRP terminal: prompts, error lines and paging from the courtops vendor module courtops/vendors/vrp.py."""

from __future__ import annotations

DOCUMENTATION = """
name: vrp
short_description: Huawei VRP terminal (courtops)
description:
  - Prompts C(<sysname>) (user view) and C([sysname]) / C([~sysname]) (system view), error lines, and
    C(screen-length 0 temporary) so long outputs arrive without --More-- pauses, as declared in courtops/vendors/vrp.py.
author: courtops
"""

from courtops.vendors.cli_plugins import VendorTerminal


class TerminalModule(VendorTerminal):
    PLATFORM = "vrp"
