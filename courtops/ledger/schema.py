"""Columns and vocabularies of the asset ledger.

The court's own ledger is usually kept in Excel with Chinese headers; the example uses the same
Chinese headers. A header cell may be the Chinese label, the English key, or both as
``中文(key)``. Vocabulary values may likewise be the code or a Chinese alias; they are stored
as codes, which are the inventory group names every playbook relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

from courtops import vendors


@dataclass(frozen=True)
class Column:
    key: str  # English key; host variable ``asset_<key>``
    label: str  # Chinese header used in the court's ledger
    required: bool
    help_en: str
    help_zh: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "name", "名称", True, "unique host name (letters, digits, '-')", "设备名称，唯一，字母数字和连字符"
    ),
    Column("zone", "网络区域", True, "network zone, one of ZONES", "所属网络区域"),
    Column("class", "设备类别", True, "device class, one of CLASSES", "设备类别"),
    Column("site", "站点", True, "site code from the address plan", "所在站点（院机关或派出法庭）"),
    Column("platform", "平台", True, "management platform, one of PLATFORMS", "管理平台（决定采集方式）"),
    Column("os", "操作系统/型号", True, "OS and version, or device model", "操作系统及版本或设备型号"),
    Column("vendor", "厂商", True, "manufacturer", "生产厂商"),
    Column("ip", "IP地址", True, "management IPv4 address, inside its zone/site subnet", "管理IP地址"),
    Column("mac", "MAC地址", False, "MAC address where the device has one", "MAC地址（如有）"),
    Column("location", "位置", True, "room, courtroom or rack", "安装位置（房间/法庭/机柜）"),
    Column("department", "责任部门", True, "owning department", "使用或责任部门"),
    Column("criticality", "重要程度", True, "high / medium / low (高 / 中 / 低)", "重要程度：高、中、低"),
    Column(
        "courtroom", "法庭编号", False, "courtroom id from the plan (PCs and AV devices)", "所属审判庭编号"
    ),
    Column("system", "所属系统", False, "business system, e.g. 智慧庭审, 安防监控", "所属业务系统"),
    Column(
        "role", "网络角色", False, "network role: core / aggregation / access / firewall / router", "网络角色"
    ),
    Column(
        "parent",
        "上级设备",
        False,
        "name of the NVR (cameras) or uplink device",
        "上级设备（摄像机所属NVR等）",
    ),
    Column(
        "eol",
        "停止支持",
        False,
        "yes when the OS is out of vendor support (e.g. Windows 7)",
        "操作系统已停止支持",
    ),
    Column("number", "资产编号", False, "the court's asset number", "固定资产编号"),
)

COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

ZONES: dict[str, tuple[str, ...]] = {
    "intranet": ("内网", "法院内网", "专网"),
    "extranet": ("外网", "互联网", "互联网区"),
    "finance": ("财政网", "政务外网", "财政网及政务外网"),
    "courtroom": ("审判法庭", "法庭", "庭审"),
    "management": ("管理区", "机房", "运维管理"),
}

CLASSES: dict[str, tuple[str, ...]] = {
    "pcs": ("电脑", "计算机", "终端"),
    "servers": ("服务器",),
    "network": ("网络设备", "交换机", "路由器", "防火墙"),
    "nvr": ("硬盘录像机", "网络录像机", "NVR"),
    "cameras": ("摄像机", "网络摄像机", "监控摄像机"),
    "printers": ("打印机",),
    "scanners": ("扫描仪",),
    "courtroom_av": ("庭审音视频", "智慧庭审设备"),
    "meeting": ("会议系统",),
    "police": ("智慧警务",),
    "execution_command": ("执行指挥",),
    "video_aggregation": ("视频汇聚",),
    "security_appliance": ("等级保护设备", "安全设备"),
}

#: Host platforms, then every network platform of the vendor registry (courtops/vendors/) with the
#: aliases its vendor module declares.
PLATFORMS: dict[str, tuple[str, ...]] = {
    "windows": ("Windows",),
    "linux_deb": ("UOS", "统信", "麒麟桌面"),
    "linux_rpm": ("麒麟服务器", "CentOS"),
    **{p: v.aliases for p, v in vendors.registry().items()},
    "snmp_device": ("SNMP设备",),
}

CRITICALITY: dict[str, tuple[str, ...]] = {
    "high": ("高",),
    "medium": ("中",),
    "low": ("低",),
}

ROLES = ("core", "aggregation", "access", "firewall", "router")

#: Which platforms a class may use; classes not listed accept any platform.
CLASS_PLATFORMS: dict[str, frozenset[str]] = {
    "pcs": frozenset({"windows", "linux_deb", "linux_rpm"}),
    "servers": frozenset({"windows", "linux_deb", "linux_rpm"}),
    "network": frozenset(vendors.platforms()),
    "nvr": frozenset({"snmp_device"}),
    "cameras": frozenset({"snmp_device"}),
    "printers": frozenset({"snmp_device"}),
    "scanners": frozenset({"snmp_device"}),
}

#: Classes whose devices belong to a courtroom group (``courtroom_<id>``).
COURTROOM_CLASSES = frozenset({"pcs", "courtroom_av"})

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "是", "√"})
FALSE_WORDS = frozenset({"", "no", "n", "false", "0", "否"})


def alias_map(vocabulary: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling (code or alias, case-insensitive) → code."""
    out: dict[str, str] = {}
    for code, aliases in vocabulary.items():
        for spelling in (code, *aliases):
            out[spelling.casefold()] = code
    return out
