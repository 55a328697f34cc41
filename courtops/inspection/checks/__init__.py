"""The implementations of the inspection checks, one module per family of the catalogue.

``REGISTRY`` maps each check id of ``inspection/checks.yml`` to the function that judges it; a module
registers its checks with ``@check("id")``. tests/unit/test_inspection_catalogue.py fails when a
catalogue check has no implementation or an implementation has no catalogue entry.
"""

from __future__ import annotations

from courtops.inspection.checks import av, device, host, network, reachability
from courtops.inspection.checks.base import REGISTRY, CheckFunction, Context, Unreadable, level

FAMILY_MODULES = {
    "reachability": reachability,
    "host": host,
    "device": device,
    "network": network,
    "av": av,
}

__all__ = ["FAMILY_MODULES", "REGISTRY", "CheckFunction", "Context", "Unreadable", "level"]
