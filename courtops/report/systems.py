"""所属系统 as the reports name it, and the systems the court's requirement names (MISSION.md).

The ledger leaves 所属系统 empty for general office equipment (office PCs, printers, scanners): the
reports say so in words instead of a dash. The quarterly report lists every seed system, inspected
or not, so a system with no device in the quarter's inspections shows as such instead of vanishing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: device classes whose ledger rows carry no business system: general office equipment
OFFICE_CLASSES = frozenset({"pcs", "printers", "scanners"})
OFFICE = "通用办公设备（未归属业务系统）"
OTHER = "其他设备"  # the quarterly report's row for devices of unknown class
#: the systems of the requirement, as the court's ledger spells them (inventory/court/assets.csv)
SEED_SYSTEMS = (
    "智慧庭审", "会议系统1", "会议系统2", "等级保护系统", "智慧警务", "执行指挥", "视频汇聚", "安防监控", "机房网络",
)  # fmt: skip


def system_of(asset: Mapping[str, Any]) -> str:
    """The device's 所属系统; general office equipment in words; "" for a device of unknown class."""
    system = str(asset.get("asset_system") or "")
    if system:
        return system
    return OFFICE if str(asset.get("asset_class") or "") in OFFICE_CLASSES else ""
