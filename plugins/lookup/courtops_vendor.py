"""Lookup plugin: what a network vendor module (courtops/vendors/) declares, for the playbooks."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_vendor
short_description: Commands and facts of a courtops network vendor module (courtops.vendors)
description:
  - Reads the vendor module of a network platform (C(vrp), C(comware), C(ios), or a vendor added through
    C(COURTOPS_VENDOR_PATH)) so the playbooks run the commands the vendor declares instead of keeping
    their own lists.
  - C(audit_commands) returns the read-only command list of the 等保 audit; C(backup_commands) the
    read-only commands of the configuration backup (configuration first, then version and inventory facts); C(inspection_commands) the
    mapping reading name -> command of the inspection; C(network_os) the ansible_network_os value;
    C(platforms) every network platform (the inventory's C(network_cli) group).
options:
  _terms:
    description: What to return - audit_commands, backup_commands, inspection_commands, network_os, paging_off or platforms.
    required: true
  platform:
    description: The host's platform (its ledger platform code); not needed for C(platforms).
    type: str
"""

EXAMPLES = r"""
- name: Run the audit commands of the host's vendor
  ansible.netcommon.cli_command:
    command: "{{ item }}"
  loop: "{{ lookup('courtops_vendor', 'audit_commands', platform=asset_platform) }}"
"""

RETURN = r"""
_raw:
  description: One value per term (a list of commands, a mapping, a string, or the platform list).
  type: list
"""

from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from courtops import vendors

WHAT = ("audit_commands", "backup_commands", "inspection_commands", "network_os", "paging_off", "platforms")


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: Any = None, **kwargs: Any) -> list[Any]:
        self.set_options(var_options=variables, direct=kwargs)
        platform = self.get_option("platform")
        out: list[Any] = []
        for term in terms:
            if term not in WHAT:
                raise AnsibleLookupError(f"courtops_vendor: unknown term {term!r} (known: {', '.join(WHAT)})")
            if term == "platforms":
                out.append(list(vendors.platforms()))
                continue
            try:
                vendor = vendors.get(str(platform or ""))
            except vendors.VendorError as exc:
                raise AnsibleLookupError(f"courtops_vendor: {exc}") from exc
            value = getattr(vendor, term)
            out.append(
                dict(value)
                if term == "inspection_commands"
                else (list(value) if isinstance(value, tuple) else value)
            )
        return out
