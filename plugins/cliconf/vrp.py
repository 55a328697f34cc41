# courtops: cliconf plugin for Huawei VRP (network_cli). GPL-3.0-or-later, like the ansible.netcommon
# plugins it builds on. community.network's `ce` plugin is not in ansible 12, so this one is ours.
"""Huawei VRP cliconf: the shared code is courtops.vendors.cli_plugins, the vendor facts courtops/vendors/vrp.py."""

from __future__ import annotations

DOCUMENTATION = """
name: vrp
short_description: Huawei VRP cliconf (courtops)
description:
  - Runs commands on Huawei VRP devices over network_cli and reads the running configuration with
    C(display current-configuration). Configuration changes go through C(system-view) ... C(return).
  - Commands, version and model patterns and the configuration mode come from the courtops vendor module
    courtops/vendors/vrp.py.
author: courtops
"""

from courtops.vendors.cli_plugins import VendorCliconf


class Cliconf(VendorCliconf):
    PLATFORM = "vrp"
