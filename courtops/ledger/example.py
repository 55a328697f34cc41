"""Generate the example asset ledger: the requirement's estate, exactly, with synthetic data.

The counts come from the court's requirement (../shared/MISSION.md) and are asserted by the
tests. Names, addresses and MACs are synthetic but follow the address plan; the same plan and
seed always give the same file, so the committed ``inventory/court/assets.csv`` can be
regenerated and diffed (`courtops ledger example`).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass

import netaddr

from courtops.formula_guard import neutralise_row
from courtops.ledger import schema
from courtops.ledger.plan import AddressPlan

# PCs per (zone, site); courtroom PCs are derived from the courtrooms (3 each, 4 in the six
# large courtrooms of the main court).
OFFICE_PCS = {
    ("intranet", "main"): 300,
    ("intranet", "chengguan"): 12,
    ("intranet", "qingshi"): 10,
    ("intranet", "liuhe"): 10,
    ("intranet", "baima"): 10,
    ("intranet", "longquan"): 10,
    ("extranet", "main"): 45,
    ("extranet", "chengguan"): 2,
    ("extranet", "qingshi"): 2,
    ("extranet", "liuhe"): 2,
    ("extranet", "baima"): 2,
    ("finance", "main"): 4,
}
LARGE_COURTROOMS = 6  # main_01 … main_06 have a fourth PC (大法庭)
PRINTERS = {
    ("intranet", "main"): 103,
    **{("intranet", t): 3 for t in ("chengguan", "qingshi", "liuhe", "baima", "longquan")},
    ("extranet", "main"): 12,
    ("extranet", "chengguan"): 1,
    ("extranet", "qingshi"): 1,
    ("extranet", "liuhe"): 1,
    ("finance", "main"): 2,
}  # plus one per courtroom (30)
SCANNERS = {
    ("intranet", "main"): 110,
    **{("intranet", t): 3 for t in ("chengguan", "qingshi", "liuhe", "baima", "longquan")},
    ("extranet", "main"): 10,
    ("finance", "main"): 2,
}  # plus one in each of the first 16 courtrooms of the main court
COURTROOM_SCANNERS = 16
# Surveillance: NVRs and cameras per site (13 NVRs, 403 cameras).
NVRS = {"main": 7, "chengguan": 2, "qingshi": 1, "liuhe": 1, "baima": 1, "longquan": 1}
CAMERAS = {"main": 300, "chengguan": 35, "qingshi": 17, "liuhe": 17, "baima": 17, "longquan": 17}

DEPARTMENTS = (
    "立案庭",
    "刑事审判庭",
    "民事审判第一庭",
    "民事审判第二庭",
    "行政审判庭",
    "审判监督庭",
    "执行局",
    "办公室",
    "政治部",
    "审判管理办公室",
    "司法警察大队",
)
OUI = {
    "Lenovo": "6c:4b:90",
    "Huawei": "00:e0:fc",
    "H3C": "00:0f:e2",
    "Cisco": "00:1b:54",
    "Hikvision": "44:19:b6",
    "HP": "3c:d9:2b",
    "Canon": "00:1e:8f",
    "Fujitsu": "00:0b:5d",
    "Inspur": "6c:92:bf",
    "Sangfor": "00:1c:54",
    "Kedacom": "00:14:10",
    "Dell": "f8:bc:12",
}

ROOM_NAMES = {"intranet": "办公楼", "extranet": "办公楼", "finance": "计划财务装备科"}


@dataclass
class Row:
    name: str
    zone: str
    cls: str
    site: str
    platform: str
    os: str
    vendor: str
    ip: str
    mac: str
    location: str
    department: str
    criticality: str
    courtroom: str = ""
    system: str = ""
    role: str = ""
    parent: str = ""
    eol: str = ""
    number: str = ""


class _Allocator:
    """Hands out addresses of each (zone, site) subnet in order, skipping .0-.10 and .255."""

    def __init__(self, plan: AddressPlan) -> None:
        self._iters: dict[tuple[str, str], Iterator[netaddr.IPAddress]] = {}
        self._plan = plan

    def next(self, zone: str, site: str) -> str:
        if (zone, site) not in self._iters:
            subnet = self._plan.subnets[(zone, site)].cidr
            self._iters[(zone, site)] = (a for a in subnet.iter_hosts() if 10 < a.words[3] < 255)
        return str(next(self._iters[(zone, site)]))


def generate(plan: AddressPlan, seed: int = 2026) -> list[Row]:
    rng = random.Random(seed)
    ips = _Allocator(plan)
    macs: set[str] = set()
    rows: list[Row] = []
    counter = iter(range(1, 100000))

    def mac(vendor: str) -> str:
        while True:
            tail = ":".join(f"{rng.randrange(256):02x}" for _ in range(3))
            value = f"{OUI[vendor]}:{tail}"
            if value not in macs:
                macs.add(value)
                return value

    def add(**kw: str) -> None:
        vendor = kw["vendor"]
        kw.setdefault("mac", mac(vendor) if vendor in OUI else "")
        kw.setdefault("ip", ips.next(kw["zone"], kw["site"]))
        kw.setdefault("number", f"FY{next(counter):06d}")
        rows.append(Row(**kw))

    site_name = {code: s.name for code, s in plan.sites.items()}

    def pc_os(zone: str, i: int) -> tuple[str, str, str, str]:
        """(platform, os, vendor, eol) of the i-th office PC of a zone: a realistic mix."""
        if zone == "intranet" and i % 6 == 0:
            return ("linux_deb", "统信UOS 桌面版 V20 (1070)", "Lenovo", "")
        if zone == "intranet" and i % 6 == 3 and i % 4 == 1:
            return ("linux_deb", "银河麒麟桌面操作系统 V10 SP1", "Lenovo", "")
        if i % 37 == 5:
            return ("windows", "Windows 7 专业版 SP1", "Lenovo", "是")
        return ("windows", "Windows 10 专业版 22H2", "Lenovo", "")

    # --- office PCs -------------------------------------------------------------------
    zone_short = {"intranet": "in", "extranet": "ex", "finance": "fin"}
    for (zone, site), count in OFFICE_PCS.items():
        for i in range(1, count + 1):
            platform, os_name, vendor, eol = pc_os(zone, i)
            add(
                name=f"{site}-{zone_short[zone]}-pc{i:03d}",
                zone=zone,
                cls="pcs",
                site=site,
                platform=platform,
                os=os_name,
                vendor=vendor,
                location=f"{site_name[site]}{ROOM_NAMES[zone]}{(i - 1) // 8 + 1:02d}室"
                if zone != "finance"
                else f"{site_name[site]}{ROOM_NAMES[zone]}",
                department="计划财务装备科" if zone == "finance" else rng.choice(DEPARTMENTS),
                criticality="中" if zone == "finance" else "低",
                eol=eol,
            )

    # --- courtrooms: PCs and AV devices ------------------------------------------------
    pc_roles = ("审判长", "书记员", "当事人", "大屏")
    for room in plan.courtrooms.values():
        pcs = 4 if room.site == "main" and int(room.id.split("_")[-1]) <= LARGE_COURTROOMS else 3
        for k in range(pcs):
            add(
                name=f"{room.site}-ct{room.id.split('_')[-1]}-pc{k + 1}",
                zone="courtroom",
                cls="pcs",
                site=room.site,
                platform="windows",
                os="Windows 10 企业版 LTSC 2019",
                vendor="Lenovo",
                location=f"{room.name}（{pc_roles[k]}位）",
                department="审判管理办公室",
                criticality="中",
                courtroom=room.id,
                system="智慧庭审",
            )
        for av, model, vendor in (
            ("host", "庭审主机 KDV-TS8000", "Kedacom"),
            ("dsp", "数字音频处理器 KDV-AP600", "Kedacom"),
            ("matrix", "高清视频矩阵 KDV-VM400", "Kedacom"),
        ):
            add(
                name=f"{room.site}-ct{room.id.split('_')[-1]}-av-{av}",
                zone="courtroom",
                cls="courtroom_av",
                site=room.site,
                platform="snmp_device",
                os=model,
                vendor=vendor,
                location=room.name,
                department="审判管理办公室",
                criticality="中",
                courtroom=room.id,
                system="智慧庭审",
            )

    # --- printers and scanners ----------------------------------------------------------
    def peripherals(
        kind: str, table: dict[tuple[str, str], int], models: tuple[tuple[str, str], ...]
    ) -> None:
        cls = "printers" if kind == "prn" else "scanners"
        for (zone, site), count in table.items():
            for i in range(1, count + 1):
                model, vendor = models[i % len(models)]
                add(
                    name=f"{site}-{zone_short[zone]}-{kind}{i:03d}",
                    zone=zone,
                    cls=cls,
                    site=site,
                    platform="snmp_device",
                    os=model,
                    vendor=vendor,
                    location=f"{site_name[site]}{ROOM_NAMES[zone]}{(i - 1) // 3 + 1:02d}室",
                    department="计划财务装备科" if zone == "finance" else rng.choice(DEPARTMENTS),
                    criticality="低",
                )

    printer_models = (("HP LaserJet Pro M405dn", "HP"), ("Canon iR-ADV C3530", "Canon"))
    scanner_models = (("Fujitsu fi-7160", "Fujitsu"), ("Canon DR-C240", "Canon"))
    peripherals("prn", PRINTERS, printer_models)
    peripherals("scn", SCANNERS, scanner_models)
    for n, room in enumerate(plan.courtrooms.values()):
        number = room.id.split("_")[-1]
        add(
            name=f"{room.site}-ct{number}-prn",
            zone="courtroom",
            cls="printers",
            site=room.site,
            platform="snmp_device",
            os=printer_models[0][0],
            vendor=printer_models[0][1],
            location=room.name,
            department="审判管理办公室",
            criticality="中",
        )
        if room.site == "main" and n < COURTROOM_SCANNERS:
            add(
                name=f"{room.site}-ct{number}-scn",
                zone="courtroom",
                cls="scanners",
                site=room.site,
                platform="snmp_device",
                os=scanner_models[0][0],
                vendor=scanner_models[0][1],
                location=room.name,
                department="审判管理办公室",
                criticality="低",
            )

    # --- machine-room network gear -------------------------------------------------------
    gear = [
        ("main-core-sw01", "core", "vrp", "Huawei S12708 (VRP V200R021C10)", "Huawei", "high"),
        ("main-core-sw02", "core", "vrp", "Huawei S12708 (VRP V200R021C10)", "Huawei", "high"),
        ("main-agg-sw01", "aggregation", "comware", "H3C S7506X (Comware 7.1.070)", "H3C", "high"),
        ("main-agg-sw02", "aggregation", "comware", "H3C S7506X (Comware 7.1.070)", "H3C", "high"),
        ("main-agg-sw03", "aggregation", "vrp", "Huawei S6730-H (VRP V200R021C00)", "Huawei", "high"),
        ("main-agg-sw04", "aggregation", "vrp", "Huawei S6730-H (VRP V200R021C00)", "Huawei", "high"),
        ("main-fw01", "firewall", "vrp", "Huawei USG6555E (V600R007C20)", "Huawei", "high"),
        ("main-fw02", "firewall", "comware", "H3C SecPath F1000-AI-20 (Comware 7.1.064)", "H3C", "high"),
        ("main-fw03", "firewall", "vrp", "Huawei USG6525E (V600R007C20)", "Huawei", "high"),
        ("main-rt01", "router", "ios", "Cisco ISR4331 (IOS XE 16.12)", "Cisco", "high"),
        ("main-rt02", "router", "vrp", "Huawei AR6280 (VRP V300R019C13)", "Huawei", "high"),
    ]
    for i in range(1, 25):
        if i <= 14:
            gear.append((f"main-acc-sw{i:02d}", "access", "vrp", "Huawei S5735-L48T4X", "Huawei", "medium"))
        elif i <= 22:
            gear.append((f"main-acc-sw{i:02d}", "access", "comware", "H3C S5130S-52S-EI", "H3C", "medium"))
        else:
            gear.append(
                (
                    f"main-acc-sw{i:02d}",
                    "access",
                    "ios",
                    "Cisco C9200L-48T-4G (IOS XE 17.9)",
                    "Cisco",
                    "medium",
                )
            )
    for code, tribunal in plan.sites.items():
        if tribunal.kind == "tribunal":
            gear.append(
                (f"{code}-rt01", "router", "vrp", "Huawei AR617VW (VRP V300R019C10)", "Huawei", "medium")
            )
            gear.append((f"{code}-acc-sw01", "access", "comware", "H3C S5130S-28S-EI", "H3C", "medium"))
    crit = {"high": "高", "medium": "中", "low": "低"}
    for name, role, platform, model, vendor, level in gear:
        site = name.split("-")[0]
        add(
            name=name,
            zone="management",
            cls="network",
            site=site,
            platform=platform,
            os=model,
            vendor=vendor,
            location=f"{site_name[site]}中心机房" if site == "main" else f"{site_name[site]}弱电间",
            department="信息技术科",
            criticality=crit[level],
            role=role,
            system="机房网络",
        )

    # --- servers and the named systems ----------------------------------------------------
    def server(
        name: str, cls: str, zone: str, platform: str, os_name: str, vendor: str, system: str, **kw: str
    ):
        add(
            name=name,
            zone=zone,
            cls=cls,
            site="main",
            platform=platform,
            os=os_name,
            vendor=vendor,
            location=kw.pop("location", "院机关中心机房"),
            department=kw.pop("department", "信息技术科"),
            criticality=kw.pop("criticality", "高"),
            system=system,
            **kw,
        )

    kylin = "银河麒麟高级服务器操作系统 V10 SP3"
    server("main-srv-app01", "servers", "management", "linux_rpm", kylin, "Inspur", "审判流程管理系统")
    server("main-srv-db01", "servers", "management", "linux_rpm", kylin, "Inspur", "审判流程管理系统")
    server("main-srv-file01", "servers", "management", "linux_rpm", kylin, "Inspur", "文件服务")
    server(
        "main-srv-dc01",
        "servers",
        "management",
        "windows",
        "Windows Server 2019 数据中心版",
        "Dell",
        "域控制器",
    )
    server(
        "main-srv-wsus01",
        "servers",
        "management",
        "windows",
        "Windows Server 2016 标准版",
        "Dell",
        "补丁分发",
    )
    server("main-srv-av01", "servers", "management", "linux_rpm", kylin, "Inspur", "终端防病毒")
    server("main-srv-bak01", "servers", "management", "linux_rpm", kylin, "Inspur", "数据备份")
    server(
        "main-srv-rec01",
        "servers",
        "management",
        "linux_deb",
        "统信UOS 服务器版 V20 (1060e)",
        "Inspur",
        "庭审录像存储",
    )
    server(
        "main-srv-legacy01",
        "servers",
        "management",
        "linux_rpm",
        "CentOS 7.9.2009",
        "Dell",
        "档案管理系统",
        eol="是",
    )
    server("main-srv-vm01", "servers", "management", "linux_rpm", kylin, "VMware", "OA（虚拟机）", mac="")
    server(
        "main-srv-vms01",
        "servers",
        "management",
        "windows",
        "Windows Server 2019 标准版",
        "Hikvision",
        "安防监控",
    )
    # video aggregation (视频汇聚): servers and switches
    for i in (1, 2):
        server(
            f"main-va-srv{i:02d}", "video_aggregation", "management", "linux_rpm", kylin, "Inspur", "视频汇聚"
        )
        server(
            f"main-va-sw{i:02d}",
            "video_aggregation",
            "management",
            "vrp",
            "Huawei S6730-H (VRP V200R021C00)",
            "Huawei",
            "视频汇聚",
            role="aggregation",
        )
    # 等级保护系统: the MLPS security appliances
    for name, model, vendor in (
        ("main-sec-bastion01", "运维审计系统（堡垒机）DAS-USM", "Sangfor"),
        ("main-sec-logaudit01", "日志审计系统 LAS", "Sangfor"),
        ("main-sec-dbaudit01", "数据库审计系统 DAS", "Sangfor"),
        ("main-sec-ips01", "入侵防御系统 Huawei NIP6630", "Huawei"),
        ("main-sec-vulscan01", "漏洞扫描系统 RSAS", "Sangfor"),
        ("main-sec-edr01", "终端检测响应平台 EDR", "Sangfor"),
    ):
        server(name, "security_appliance", "management", "snmp_device", model, vendor, "等级保护系统")
    # smart police (智慧警务): terminals, access control, escort passage
    police = "司法警察大队"
    for i in (1, 2):
        server(
            f"main-pol-term{i:02d}",
            "police",
            "intranet",
            "windows",
            "Windows 10 专业版 22H2",
            "Lenovo",
            "智慧警务",
            location="院机关警务室",
            department=police,
            criticality="中",
        )
    server(
        "main-pol-door01",
        "police",
        "intranet",
        "snmp_device",
        "门禁控制器 DS-K2604",
        "Hikvision",
        "智慧警务",
        location="院机关警务室",
        department=police,
        criticality="中",
    )
    server(
        "main-pol-escort01",
        "police",
        "intranet",
        "snmp_device",
        "押解通道控制器 DS-K3G411",
        "Hikvision",
        "智慧警务",
        location="院机关押解通道",
        department=police,
        criticality="中",
    )
    # execution command (执行指挥): communications and the big screen
    for name, platform, model, vendor in (
        ("main-exe-srv01", "linux_rpm", kylin, "Inspur"),
        ("main-exe-screen01", "windows", "Windows 10 企业版 LTSC 2019（大屏控制）", "Lenovo"),
        ("main-exe-comm01", "snmp_device", "融合通信网关 KDV-MCU", "Kedacom"),
        ("main-exe-comm02", "snmp_device", "单兵执法终端接入网关", "Kedacom"),
    ):
        server(
            name,
            "execution_command",
            "intranet",
            platform,
            model,
            vendor,
            "执行指挥",
            location="院机关执行指挥中心",
            department="执行局",
        )
    # meeting systems (会议系统): two rooms, an MCU terminal and a central controller each
    for i, meeting_room in ((1, "第一会议室"), (2, "第二会议室")):
        for dev, model in (("mcu", "视频会议终端 KDV-H700"), ("ctl", "会议中控主机 KDV-CC200")):
            server(
                f"main-meet{i}-{dev}",
                "meeting",
                "intranet",
                "snmp_device",
                model,
                "Kedacom",
                f"会议系统{i}",
                location=f"院机关{meeting_room}",
                department="办公室",
                criticality="中",
            )

    # --- surveillance (安防监控): NVRs and cameras ----------------------------------------
    for code, nvr_count in NVRS.items():
        nvrs = [f"{code}-nvr{n:02d}" for n in range(1, nvr_count + 1)]
        for nvr in nvrs:
            add(
                name=nvr,
                zone="management",
                cls="nvr",
                site=code,
                platform="snmp_device",
                os="DS-9664N-I8 (V4.x)",
                vendor="Hikvision",
                location=f"{site_name[code]}监控室",
                department="司法警察大队",
                criticality="高",
                system="安防监控",
            )
        for c in range(CAMERAS[code]):
            add(
                name=f"{code}-cam{c + 1:03d}",
                zone="management",
                cls="cameras",
                site=code,
                platform="snmp_device",
                os="DS-2CD3T46WDV3-I3" if c % 3 else "DS-2DE4425IW-DE（球机）",
                vendor="Hikvision",
                location=f"{site_name[code]}监控点{c + 1:03d}",
                department="司法警察大队",
                criticality="低",
                system="安防监控",
                parent=nvrs[c % len(nvrs)],
            )
    return rows


def to_csv(rows: list[Row]) -> str:
    """The ledger as CSV text with the Chinese headers the court's ledger uses."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.label for c in schema.COLUMNS])
    for row in rows:
        writer.writerow(
            neutralise_row([getattr(row, "cls" if c.key == "class" else c.key) for c in schema.COLUMNS])
        )
    return out.getvalue()
