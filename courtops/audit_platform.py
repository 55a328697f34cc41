"""The platform a host is audited as (playbooks/audit.yml), decided on the controller.

The rule is the one the collecting plays use for their ``when:`` (``dengbao_platform`` there):
the host's ``asset_platform`` if it has one, else the first of its groups that names a platform
(a host platform or a network platform of the vendor registry), else ``linux_deb``. The evaluation
play resolves it here from hostvars instead of a ``set_fact`` on every audited host, which cost one
forked worker per host (docs/scale.md).

A host in two platform groups (not something the ledger inventory produces) gets the first in
``group_names`` order; the earlier ``intersect`` filter gave an arbitrary one (set order, which
changes with Python's string hashing from run to run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from courtops import vendors

HOST_PLATFORMS = ("windows", "linux_deb", "linux_rpm", "snmp_device")
DEFAULT = "linux_deb"


def audit_platform(hostvars: Mapping[str, Any]) -> str:
    """``asset_platform``, else the first platform group in ``group_names``, else ``linux_deb``."""
    if "asset_platform" in hostvars:
        return str(hostvars["asset_platform"]).strip()
    known = set(HOST_PLATFORMS) | set(vendors.platforms())
    groups: Iterable[Any] = hostvars.get("group_names") or ()
    return next((str(g) for g in groups if g in known), DEFAULT)
