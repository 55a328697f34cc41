"""What a lab of a given size contains: every host's name, address, profile and inventory groups.

Pure data, no side effects: `up` builds from it, the inventory writer and tests read it.
Group names follow the repository contract (zones, classes, platforms, sites, courtrooms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from courtops.lab.config import LabConfig, LabConfigError
from courtops.lab.profiles import PROFILE_ORDER, profile

#: the township tribunal the lab models besides the main court building
TRIBUNAL_SITE = "site_beixiang"
TRIBUNAL_COURTROOM = "courtroom_bx01"

#: veth index ranges per kind, so names never clash inside one lab
VETH_BASE = {"linux": 0, "network": 300, "snmp": 600}


@dataclass
class HostSpec:
    name: str
    kind: str  # linux | network | snmp
    n: int  # 1-based index within its kind (last address octet)
    address: str
    zone: str
    klass: str
    platform: str
    site: str
    profile: str  # linux: lab profile; network: <vendor>_<compliant|noncompliant>; snmp: snmprec name
    courtroom: str = ""
    vars: dict[str, Any] = field(default_factory=dict)
    extra_groups: tuple[str, ...] = ()  # groups outside the ledger contract, e.g. `spares`

    @property
    def veth_index(self) -> int:
        return VETH_BASE[self.kind] + self.n

    def groups(self) -> list[str]:
        return [
            g
            for g in (self.zone, self.klass, self.platform, self.site, self.courtroom, *self.extra_groups)
            if g
        ]


#: Linux roles, cycled independently of profiles so every profile meets several roles
_LINUX_ROLES = [
    # (class, zone, site, courtroom, name stem, role, department)
    ("servers", "management", "site_main", "", "srv", "应用服务器", "信息技术处"),
    ("pcs", "intranet", "site_main", "", "pc", "办公终端", "立案庭"),
    ("pcs", "courtroom", TRIBUNAL_SITE, TRIBUNAL_COURTROOM, "ctpc", "法庭书记员终端", "北乡人民法庭"),
    ("servers", "intranet", "site_main", "", "srv", "业务服务器", "信息技术处"),
]


#: 所属系统 of the Linux roles as the court's ledger names them (office PCs belong to no system)
_LINUX_SYSTEMS = {"servers": "法院综合业务系统", "courtroom": "智慧庭审"}


def linux_hosts(cfg: LabConfig, count: int) -> list[HostSpec]:
    hosts = []
    for i in range(count):
        prof = PROFILE_ORDER[i % len(PROFILE_ORDER)]
        klass, zone, site, courtroom, stem, role, dept = _LINUX_ROLES[(i + i // len(PROFILE_ORDER)) % 4]
        platform = profile(prof)["platform"]
        n = i + 1
        os_name = (
            "Kylin Server V10 SP3 (lab: Debian 12 base, Red Hat PAM layout)"
            if platform == "linux_rpm"
            else "Debian GNU/Linux 12 (bookworm)"
        )
        hosts.append(
            HostSpec(
                name=f"lab-{stem}-{n:03d}", kind="linux", n=n, address=cfg.address("linux", n),
                zone=zone, klass=klass, platform=platform, site=site, courtroom=courtroom, profile=prof,
                vars={"asset_os": os_name, "asset_vendor": "lab", "asset_role": role,
                      "asset_department": dept, "asset_criticality": "高" if klass == "servers" else "中",
                      "asset_system": _LINUX_SYSTEMS.get(klass if not courtroom else "courtroom", "")},
            )
        )  # fmt: skip
    return hosts


#: network device kinds: (vendor key, platform, name stem, vendor name, os)
_NET_VENDORS = [
    ("vrp", "vrp", "vrp", "Huawei", "VRP V200R019C10SPC500 (S5735-L)"),
    ("comware", "comware", "cmw", "H3C", "Comware 7.1.070 Release 6616P01 (S5130S-52S-EI)"),
    ("ios", "ios", "ios", "Cisco", "IOS-XE 17.9.4a (C9200L-24P-4G)"),
]


def network_devices(cfg: LabConfig, count: int) -> list[HostSpec]:
    devices = []
    for i in range(count):
        key, platform, stem, vendor, os_name = _NET_VENDORS[(i // 2) % 3]
        state = "compliant" if i % 2 == 0 else "noncompliant"
        n = i + 1
        per_vendor = i // 6 * 2 + i % 2 + 1
        devices.append(
            HostSpec(
                name=f"lab-{stem}-{per_vendor:02d}", kind="network", n=n, address=cfg.address("network", n),
                zone="management", klass="network", platform=platform,
                site="site_main" if i % 4 < 2 else TRIBUNAL_SITE, profile=f"{key}_{state}",
                vars={"asset_os": os_name, "asset_vendor": vendor, "asset_role": "接入交换机",
                      "asset_department": "信息技术处", "asset_criticality": "高", "asset_system": "机房网络",
                      "lab_compliant": state == "compliant"},
            )
        )  # fmt: skip
    return devices


#: spares sit at fixed addresses at the top of the device range, whatever the lab's size
SPARE_BASE = 251
SPARES_GROUP = "spares"


def spare_devices(cfg: LabConfig, network: int) -> list[HostSpec]:
    """One spare per platform, factory-default configuration (备件, for restore drills)."""
    if network > SPARE_BASE - 1:
        raise LabConfigError(
            f"at most {SPARE_BASE - 1} network devices besides the spares, asked for {network}"
        )
    spares = []
    for i, (key, platform, stem, vendor, os_name) in enumerate(_NET_VENDORS):
        n = SPARE_BASE + i
        spares.append(
            HostSpec(
                name=f"lab-{stem}-spare", kind="network", n=n, address=cfg.address("network", n),
                zone="management", klass="network", platform=platform, site="site_main",
                profile=f"{key}_factory", extra_groups=(SPARES_GROUP,),
                vars={"asset_os": os_name, "asset_vendor": vendor, "asset_role": "备件（出厂配置）",
                      "asset_department": "信息技术处", "asset_criticality": "中", "asset_system": "机房网络",
                      "lab_compliant": False},
            )
        )  # fmt: skip
    return spares


#: SNMP device kinds: (snmprec name, class, zone, name stem, vendor, role)
_SNMP_KINDS = [
    ("printer_low_toner", "printers", "intranet", "prn", "HP", "网络打印机（碳粉不足）"),
    ("printer_paper_jam", "printers", "intranet", "prn", "HP", "网络打印机（卡纸）"),
    ("nvr_failed_disk", "nvr", "management", "nvr", "Hikvision", "网络硬盘录像机（硬盘故障）"),
    ("camera", "cameras", "courtroom", "cam", "Hikvision", "庭审摄像机"),
    ("switch", "network", "management", "sw", "H3C", "接入交换机（SNMP）"),
    ("scanner", "scanners", "intranet", "scn", "Fujitsu", "网络扫描仪"),
]


#: 所属系统 of the SNMP device classes as the court's ledger names them (printers, scanners: none)
_SNMP_SYSTEMS = {"nvr": "安防监控", "cameras": "安防监控", "network": "机房网络"}


#: The lab's SNMPv3 user (authPriv, SHA + AES-128). Lab-only values: the simulated switch serves them.
LAB_SNMP_V3 = {
    "courtops_snmp_version": "3",
    "courtops_snmp_v3_user": "courtops-lab",
    "courtops_snmp_v3_auth_key": "lab-only-auth-9d41",
    "courtops_snmp_v3_priv_key": "lab-only-priv-5c2e",
    "courtops_snmp_v3_auth_protocol": "sha",
    "courtops_snmp_v3_priv_protocol": "aes",
    # snmpsim selects the recording by the v3 context name (real agents use the empty default context)
    "courtops_snmp_v3_context": "courtops-lab",
}
#: SNMP kinds served over v3 only to courtops (v2c stays on for the lab's own readiness check)
SNMP_V3_KINDS = frozenset({"switch"})


def snmp_devices(cfg: LabConfig, count: int) -> list[HostSpec]:
    devices = []
    seen: dict[str, int] = {}
    for i in range(count):
        rec, klass, zone, stem, vendor, role = _SNMP_KINDS[i % len(_SNMP_KINDS)]
        seen[stem] = seen.get(stem, 0) + 1
        n = i + 1
        courtroom = TRIBUNAL_COURTROOM if klass == "cameras" else ""
        devices.append(
            HostSpec(
                name=f"lab-{stem}-{seen[stem]:02d}", kind="snmp", n=n, address=cfg.address("snmp", n),
                zone=zone, klass=klass, platform="snmp_device", courtroom=courtroom, profile=rec,
                site=TRIBUNAL_SITE if courtroom else "site_main",
                vars={"asset_vendor": vendor, "asset_role": role, "asset_department": "信息技术处",
                      "asset_criticality": "中", "asset_system": _SNMP_SYSTEMS.get(klass, ""),
                      **(LAB_SNMP_V3 if rec in SNMP_V3_KINDS
                         else {"courtops_snmp_community": "public", "courtops_snmp_version": "2c"})},
            )
        )  # fmt: skip
    return devices


@dataclass
class LabPlan:
    linux: list[HostSpec]
    network: list[HostSpec]
    snmp: list[HostSpec]
    spares: list[HostSpec] = field(default_factory=list)  # network spares, served with `network`
    # a member of every named system (courtops.lab.systems), served with `snmp`
    systems: list[HostSpec] = field(default_factory=list)

    @classmethod
    def build(cls, cfg: LabConfig, linux: int, network: int, snmp: int) -> LabPlan:
        from courtops.lab.systems import system_members  # systems builds on this module's HostSpec

        spares = spare_devices(cfg, network) if network else []
        systems = system_members(cfg, snmp) if snmp else []
        return cls(
            linux_hosts(cfg, linux), network_devices(cfg, network), snmp_devices(cfg, snmp), spares, systems
        )

    def all(self) -> list[HostSpec]:
        return [*self.linux, *self.network, *self.spares, *self.snmp, *self.systems]
