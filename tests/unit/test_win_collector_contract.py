"""The PowerShell collector returns every registry value the Windows parser reads.

The collector itself cannot run here (no Windows); this keeps its data contract honest.
"""

from __future__ import annotations

from courtops.evidence.windows import REGISTRY_VALUES
from tests.unit.casekit import REPO


def test_ps_module_reads_every_registry_value() -> None:
    ps1 = (REPO / "library" / "courtops_win_collect.ps1").read_text(encoding="utf-8")
    missing = [v for v in REGISTRY_VALUES if f"'{v}'" not in ps1]
    assert missing == []


def test_ps_module_returns_the_keys_the_parser_reads() -> None:
    ps1 = (REPO / "library" / "courtops_win_collect.ps1").read_text(encoding="utf-8")
    for key in (
        "secedit",
        "auditpol",
        "registry",
        "users",
        "services",
        "shares",
        "firewall",
        "hotfixes",
        "av",
        "winrm",
        "smb1",
    ):
        assert f"{key} =" in ps1, key
