# courtops: cliconf plugin for H3C Comware (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. No H3C collection exists for ansible 12, so this one is ours.
"""H3C Comware cliconf: the shared code is courtops.vendors.cli_plugins, the vendor facts courtops/vendors/comware.py."""

from __future__ import annotations

DOCUMENTATION = """
name: comware
short_description: H3C Comware cliconf (courtops)
description:
  - Runs commands on H3C Comware devices over network_cli and reads the running configuration with
    C(display current-configuration). Configuration changes go through C(system-view) ... C(return).
  - Commands, version and model patterns and the configuration mode come from the courtops vendor module
    courtops/vendors/comware.py.
author: courtops
"""

from courtops.vendors.cli_plugins import VendorCliconf


class Cliconf(VendorCliconf):
    PLATFORM = "comware"
