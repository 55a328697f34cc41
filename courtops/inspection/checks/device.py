"""Device checks: what courtops_device_probe read from printers, scanners, NVRs, cameras (SNMP / TCP)."""

from __future__ import annotations

from courtops.inspection.checks.base import Context, Unreadable, check
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING, CheckResult
from courtops.secrets import clip

PRINTER_WORDS = {
    "lowPaper": "纸张不足",
    "noPaper": "缺纸",
    "lowToner": "碳粉不足",
    "noToner": "碳粉耗尽",
    "doorOpen": "机盖打开",
    "jammed": "卡纸",
    "offline": "脱机",
    "serviceRequested": "需要维修",
    "inputTrayMissing": "进纸盒缺失",
    "outputTrayMissing": "出纸盒缺失",
    "markerSupplyMissing": "耗材缺失",
    "outputNearFull": "出纸盒将满",
    "outputFull": "出纸盒已满",
    "inputTrayEmpty": "进纸盒空",
    "overduePreventMaint": "保养逾期",
    "down": "设备停止",
    "warning": "设备告警",
}
#: Printer error flags that stop printing (故障); the other flags are 告警.
PRINTER_FAULTS = frozenset(
    {
        "noPaper",
        "noToner",
        "doorOpen",
        "jammed",
        "offline",
        "serviceRequested",
        "markerSupplyMissing",
        "outputFull",
        "inputTrayMissing",
        "outputTrayMissing",
    }
)
NVR_DISK_STATES = {"running": NORMAL, "warning": WARNING, "testing": WARNING, "down": FAULT}


@check("service_ports")
def service_ports(c: Context) -> list[CheckResult]:
    tcp = c.probe().get("tcp")
    if not isinstance(tcp, dict) or not tcp:
        raise Unreadable("未配置需检测的服务端口")
    return [
        c.result(
            "service_ports",
            NORMAL if ok else FAULT,
            item=f"tcp/{port}",
            text="开放" if ok else "无响应",
            remark="" if ok else f"端口 {port} 无响应",
        )
        for port, ok in sorted(tcp.items(), key=lambda kv: int(kv[0]))
    ]


@check("snmp_system")
def snmp_system(c: Context) -> list[CheckResult]:
    return [c.result("snmp_system", NORMAL, text=clip(str(c.snmp("sysDescr")), 120))]


@check("printer_status")
def printer_status(c: Context) -> list[CheckResult]:
    flags = c.snmp("printer")
    faults = [f for f in flags.get("errors", []) if f in PRINTER_FAULTS]
    warns = [f for f in flags.get("errors", []) if f not in PRINTER_FAULTS]
    device = flags.get("device_status")
    if device == "down":
        faults.append("down")
    elif device == "warning":
        warns.append("warning")
    words = [PRINTER_WORDS.get(f, f) for f in faults + warns]
    state = FAULT if faults else WARNING if warns else NORMAL
    return [c.result("printer_status", state, text=flags.get("printer_status", ""), remark="、".join(words))]


@check("printer_supplies")
def printer_supplies(c: Context) -> list[CheckResult]:
    out = []
    for s in c.snmp("supplies"):
        amount, cap = s.get("level"), s.get("max")
        if not isinstance(amount, int) or not isinstance(cap, int) or cap <= 0 or amount < 0:
            out.append(
                c.result("printer_supplies", UNCHECKED, item=s.get("name", ""), remark="设备未报告余量")
            )
            continue
        pct = round(100.0 * amount / cap, 1)
        state = c.level(pct, "toner_pct")
        remark = {FAULT: "耗材即将耗尽，需立即更换", WARNING: "耗材余量低，请备货"}.get(state, "")
        out.append(
            c.result("printer_supplies", state, item=s.get("name", ""), value=pct, unit="%", remark=remark)
        )
    if not out:
        raise Unreadable("未返回耗材信息")
    return out


@check("printer_alerts")
def printer_alerts(c: Context) -> list[CheckResult]:
    alerts = c.snmp_answer().get("alerts") or []  # no SNMP answer is 未检, never "no alerts"
    if not alerts:
        return [c.result("printer_alerts", NORMAL, text="无告警")]
    return [
        c.result(
            "printer_alerts",
            FAULT if a.get("severity") == "critical" else WARNING,
            item=str(a.get("index", "")),
            text=str(a.get("description", "")),
            remark=str(a.get("description", "")),
        )
        for a in alerts
    ]


@check("printer_counters")
def printer_counters(c: Context) -> list[CheckResult]:
    return [c.result("printer_counters", NORMAL, value=float(c.snmp("page_count")), unit="页")]


@check("nvr_disks")
def nvr_disks(c: Context) -> list[CheckResult]:
    out = []
    for d in c.snmp("disks"):
        status = d.get("status")
        state = NVR_DISK_STATES.get(status, UNCHECKED)
        remark = {FAULT: "录像硬盘故障", WARNING: "录像硬盘告警", UNCHECKED: "状态未知"}.get(state, "")
        out.append(c.result("nvr_disks", state, item=str(d.get("name", "")), text=str(status), remark=remark))
    return out
