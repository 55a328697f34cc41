"""Inventory plugin: the court's estate from its asset ledger (资产台账) CSV."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_ledger
short_description: The court's estate from an asset ledger (资产台账) CSV
description:
  - Reads one CSV row per device and builds the groups every courtops playbook relies on -
    zones (intranet, extranet, finance, courtroom, management), device classes (pcs, servers, network,
    nvr, cameras, printers, scanners, courtroom_av, meeting, police, execution_command, video_aggregation,
    security_appliance), platforms (windows, linux_deb, linux_rpm, vrp, comware, ios, snmp_device),
    sites (site_<code>), one courtroom_<id> group per courtroom, and legacy_os for unsupported systems.
  - The platform family C(network_cli) holds every host whose platform is a network vendor's (the vendor
    registry courtops.vendors - vrp, comware, ios and any vendor added through COURTOPS_VENDOR_PATH);
    playbooks target it instead of listing vendors. Its hosts get the vendor's connection variables
    (C(ansible_connection) network_cli, C(ansible_network_os)) from the vendor module; credentials stay in
    group_vars.
  - Every row is validated against the address plan (netaddr). Any problem fails the whole inventory
    with every error listed as file:line, so a host is never dropped silently.
  - Each host gets C(ansible_host) and one C(asset_<column>) variable per ledger column.
  - The configuration file name must end in C(courtops_ledger.yml) or C(courtops_ledger.yaml).
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The name of this plugin.
    required: true
    choices: [courtops_ledger]
  ledger:
    description: The ledger CSV (UTF-8 or GB18030), relative to the configuration file.
    type: str
    default: assets.csv
  plan:
    description: The address plan YAML (sites, subnets, courtrooms), relative to the configuration file.
    type: str
    default: address_plan.yml
"""

EXAMPLES = r"""
# inventory/court/court.courtops_ledger.yml
plugin: courtops_ledger
ledger: assets.csv
plan: address_plan.yml
# constructed options work too, e.g. one group per vendor:
keyed_groups:
  - key: asset_vendor | lower
    prefix: vendor
"""

from pathlib import Path

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable
from ansible.utils.display import Display

from courtops import vendors
from courtops.ledger import load_plan, read_ledger
from courtops.ledger.plan import PlanError

#: How many problems the error message lists before summarising (the CLI lists them all).
MAX_LISTED = 50

display = Display()


class InventoryModule(BaseInventoryPlugin, Constructable):
    NAME = "courtops_ledger"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("courtops_ledger.yml", "courtops_ledger.yaml"))

    def parse(self, inventory, loader, path, cache=True):  # type: ignore[no-untyped-def]
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        base = Path(path).parent
        ledger_path = base / self.get_option("ledger")
        plan_path = base / self.get_option("plan")

        try:
            plan = load_plan(plan_path)
        except PlanError as exc:
            raise AnsibleParserError(f"courtops_ledger: invalid address plan:\n{exc}") from exc
        result = read_ledger(ledger_path, plan)
        for warning in result.warnings:
            display.warning(f"courtops_ledger: {warning}")
        if result.errors:
            listed = "\n".join(str(e) for e in result.errors[:MAX_LISTED])
            more = len(result.errors) - MAX_LISTED
            tail = f"\n… and {more} more (run: courtops ledger check {ledger_path})" if more > 0 else ""
            raise AnsibleParserError(
                f"courtops_ledger: {len(result.errors)} problem(s) in the asset ledger:\n{listed}{tail}"
            )

        for site in plan.sites.values():
            group = self.inventory.add_group(f"site_{site.code}")
            self.inventory.set_variable(group, "site_name", site.name)
            self.inventory.set_variable(group, "site_kind", site.kind)
        for room in plan.courtrooms.values():
            group = self.inventory.add_group(f"courtroom_{room.id}")
            self.inventory.set_variable(group, "courtroom_name", room.name)

        strict = self.get_option("strict")
        network_platforms = vendors.platforms()
        for asset in result.assets:
            host = self.inventory.add_host(asset.name)
            groups = [asset.zone, asset.cls, asset.platform, f"site_{asset.site}"]
            if asset.courtroom:
                groups.append(f"courtroom_{asset.courtroom}")
            if asset.eol:
                groups.append("legacy_os")
            if asset.platform in network_platforms:  # the platform family: every vendor-CLI device
                groups.append(vendors.GROUP)
            for group in groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            hostvars = asset.hostvars()
            if asset.platform in network_platforms:  # connection facts of the vendor, not of the court
                hostvars |= vendors.connection_vars(asset.platform)
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
