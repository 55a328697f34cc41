"""Network devices: command outputs -> ``net.*`` facts, by the platform's vendor module.

Evidence shape (from playbooks/audit.yml via ansible.netcommon.cli_command, or recorded):
``{"commands": {"display current-configuration": "...", "display interface brief": "...", ...}}``.
The commands, the parsers and the version-dependent defaults are the vendor's
(courtops/vendors/<platform>.py); the fact names (``net.*``) are the catalogue's contract
(controls/*.yml). A default is applied only where the device's software version documents it:
an unknown version leaves the fact absent (-> 待人工).
"""

from __future__ import annotations

from typing import Any

from courtops import vendors


def extract(platform: str, evidence: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    vendors.get(platform).extract(evidence, facts, problems)
