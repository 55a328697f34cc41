"""Turn raw readings into inspection results (正常 / 告警 / 故障 / 未检).

``judge()`` is pure and never raises on bad input: a reading that is missing or cannot be parsed
gives 未检 with the reason, never a false 正常.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from courtops.inspection import netparse
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING, CheckResult
from courtops.secrets import clip

TITLES = {
    "reachability": "网络连通性",
    "uptime": "运行时长",
    "cpu_load": "CPU负载",
    "memory": "内存使用率",
    "disk": "磁盘使用率",
    "time_sync": "时间同步",
    "key_services": "关键服务",
    "pending_reboot": "待重启",
    "patch_age": "距上次补丁天数",
    "log_errors": "日志错误数",
    "av_signature": "防病毒特征库",
    "smart": "硬盘健康(SMART)",
    "service_ports": "服务端口",
    "snmp_system": "SNMP系统信息",
    "printer_status": "打印机状态",
    "printer_supplies": "耗材余量",
    "printer_alerts": "打印机告警",
    "printer_counters": "打印计数",
    "nvr_disks": "录像硬盘状态",
    "net_cpu": "设备CPU使用率",
    "net_memory": "设备内存使用率",
    "net_uptime": "设备运行时长",
    "net_interfaces": "接口状态",
    "net_ntp": "NTP同步",
    "net_environment": "风扇/电源/温度",
    "net_alarms": "告警日志",
}

Readings = dict[str, Any]
HEALTHY = frozenset({"PASSED", "OK", "HEALTHY"})  # smartctl, smartctl (SCSI), Windows Get-PhysicalDisk
Thresholds = dict[str, dict[str, float | None]]


class Unreadable(Exception):
    """The reading a check needs is missing or not understood (→ 未检 with this reason)."""


def level(value: float, limits: dict[str, float | None], *, lower_is_worse: bool = False) -> str:
    """正常 / 告警 / 故障 of a number against {warn, fault}."""
    warn, fault = limits.get("warn"), limits.get("fault")
    if lower_is_worse:
        if fault is not None and value <= fault:
            return FAULT
        if warn is not None and value <= warn:
            return WARNING
        return NORMAL
    if fault is not None and value >= fault:
        return FAULT
    if warn is not None and value >= warn:
        return WARNING
    return NORMAL


class _Judge:
    def __init__(
        self, host: str, readings: Readings, thresholds: Thresholds, settings: dict[str, Any]
    ) -> None:
        self.host, self.r, self.t, self.s = host, readings, thresholds, settings
        self.now = float(settings.get("now") or time.time())

    # -- helpers -------------------------------------------------------------------------------
    def result(self, check: str, state: str, **kw: Any) -> CheckResult:
        return CheckResult(host=self.host, check=check, title=TITLES.get(check, check), state=state, **kw)

    def metrics(self) -> dict[str, Any]:
        data = self.r.get("host_metrics")
        if not isinstance(data, dict):
            raise Unreadable("未取得主机采集数据")
        return data

    def need(self, data: dict[str, Any], key: str) -> Any:
        if data.get(key) is None:
            reason = (data.get("unreadable") or {}).get(key, "无此读数")
            raise Unreadable(f"无法读取 {key}: {reason}")
        return data[key]

    def probe(self) -> dict[str, Any]:
        data = self.r.get("probe")
        if not isinstance(data, dict):
            raise Unreadable("未取得设备探测数据")
        return data

    def snmp_answer(self) -> dict[str, Any]:
        """What the device answered over SNMP; no answer → 未检."""
        snmp = self.probe().get("snmp")
        if isinstance(snmp, dict) and snmp.get("unconfigured"):  # inventory gives no credentials: not guessed
            raise Unreadable(f"SNMP 未配置: {snmp.get('error')}")
        if not isinstance(snmp, dict) or snmp.get("error"):
            raise Unreadable(f"SNMP 无响应: {(snmp or {}).get('error', '未查询')}")
        return snmp

    def snmp(self, key: str) -> Any:
        snmp = self.snmp_answer()
        if key not in snmp or snmp[key] in (None, [], {}):
            raise Unreadable(f"SNMP 未返回 {key}")
        return snmp[key]

    def cli(self, name: str) -> str:
        outputs = self.r.get("cli")
        if (
            not isinstance(outputs, dict)
            or not isinstance(outputs.get(name), str)
            or not outputs[name].strip()
        ):
            raise Unreadable(f"设备未返回 {name} 命令输出")
        return outputs[name]

    # -- host checks (Linux / Windows collectors) ----------------------------------------------------
    def reachability(self) -> list[CheckResult]:
        if self.r.get("unreachable"):
            return [
                self.result(
                    "reachability", FAULT, text="不可达", remark=clip(str(self.r.get("msg", "")), 300)
                )
            ]
        if self.r.get("probe") is not None:
            probe = self.probe()
            answered = [k for k in ("icmp", "snmp") if probe.get(k) and not (probe[k] or {}).get("error")]
            answered += [f"tcp/{p}" for p, ok in (probe.get("tcp") or {}).items() if ok]
            if not answered:
                return [
                    self.result("reachability", FAULT, text="无响应", remark="ICMP、SNMP 与服务端口均无响应")
                ]
            rtt = (probe.get("icmp") or {}).get("rtt_ms")
            return [self.result("reachability", NORMAL, value=rtt, unit="ms", text="、".join(answered))]
        return [self.result("reachability", NORMAL, text="可达")]

    def uptime(self) -> list[CheckResult]:
        hours = float(self.need(self.metrics(), "uptime_seconds")) / 3600
        state = level(hours, self.t["min_uptime_hours"], lower_is_worse=True)
        remark = "近期发生重启" if state != NORMAL else ""
        return [
            self.result(
                "uptime", state, value=round(hours, 1), unit="h", text=f"{hours / 24:.1f} 天", remark=remark
            )
        ]

    def cpu_load(self) -> list[CheckResult]:
        data = self.metrics()
        if data.get("load") is None and data.get("cpu_pct") is not None:  # Windows: CPU % instead of load
            pct = float(data["cpu_pct"])
            state = level(pct, self.t["cpu_pct"])
            return [
                self.result(
                    "cpu_load", state, value=pct, unit="%", remark="CPU 使用率过高" if state != NORMAL else ""
                )
            ]
        load = self.need(data, "load")
        per_core = float(load[1]) / max(int(data.get("cpu_count") or 1), 1)
        state = level(per_core, self.t["cpu_load_per_core"])
        return [
            self.result(
                "cpu_load",
                state,
                value=round(per_core, 2),
                text=f"5分钟负载 {load[1]}",
                remark="负载过高" if state != NORMAL else "",
            )
        ]

    def memory(self) -> list[CheckResult]:
        mem = self.need(self.metrics(), "memory")
        pct = round(100.0 * (1 - mem["available_kb"] / mem["total_kb"]), 1)
        state = level(pct, self.t["memory_used_pct"])
        return [
            self.result("memory", state, value=pct, unit="%", remark="内存不足" if state != NORMAL else "")
        ]

    def disk(self) -> list[CheckResult]:
        disks = self.need(self.metrics(), "disks")
        if not disks:
            raise Unreadable("未发现可统计的文件系统")
        out = []
        for d in disks:
            state = level(float(d["used_pct"]), self.t["disk_used_pct"])
            out.append(
                self.result(
                    "disk",
                    state,
                    item=d["mount"],
                    value=float(d["used_pct"]),
                    unit="%",
                    text=f"{d['mount']} 已用 {d['used_pct']}%",
                    remark="磁盘空间不足" if state != NORMAL else "",
                )
            )
        return out

    def time_sync(self) -> list[CheckResult]:
        sync = self.need(self.metrics(), "time_sync")
        if sync.get("synchronized") is None:
            raise Unreadable("无法读取时间同步状态")
        offset = sync.get("offset_ms")
        if not sync["synchronized"]:
            return [self.result("time_sync", WARNING, text="未同步", remark="系统时钟未与时间服务器同步")]
        state = level(abs(float(offset)), self.t["time_offset_ms"]) if offset is not None else NORMAL
        return [
            self.result("time_sync", state, value=offset, unit="ms", text=f"已同步({sync.get('source')})")
        ]

    def key_services(self) -> list[CheckResult]:
        services = self.metrics().get("services")
        if not isinstance(services, dict) or not services:
            raise Unreadable((self.metrics().get("unreadable") or {}).get("services", "未配置关键服务"))
        out = []
        for name, active in services.items():
            ok = active in ("active", "Running")
            out.append(
                self.result(
                    "key_services",
                    NORMAL if ok else FAULT,
                    item=name,
                    text=str(active),
                    remark="" if ok else f"关键服务 {name} 未运行（{active}）",
                )
            )
        return out

    def pending_reboot(self) -> list[CheckResult]:
        pending = bool(self.need(self.metrics(), "pending_reboot"))
        return [
            self.result(
                "pending_reboot",
                WARNING if pending else NORMAL,
                text="是" if pending else "否",
                remark="系统更新后需重启" if pending else "",
            )
        ]

    def patch_age(self) -> list[CheckResult]:
        days = round((self.now - float(self.need(self.metrics(), "packages_changed_at"))) / 86400, 1)
        state = level(days, self.t["patch_age_days"])
        return [
            self.result(
                "patch_age", state, value=days, unit="天", remark="长期未更新补丁" if state != NORMAL else ""
            )
        ]

    def log_errors(self) -> list[CheckResult]:
        count = int(self.need(self.metrics(), "log_errors"))
        state = level(count, self.t["log_errors"])
        return [
            self.result(
                "log_errors",
                state,
                value=count,
                unit="条",
                remark="自上次巡检以来有错误日志" if state != NORMAL else "",
            )
        ]

    def av_signature(self) -> list[CheckResult]:
        mtime = self.metrics().get("av_signature_mtime")
        if mtime is None:
            return [self.result("av_signature", WARNING, text="未发现", remark="未发现防病毒软件特征库")]
        days = round((self.now - float(mtime)) / 86400, 1)
        state = level(days, self.t["av_signature_age_days"])
        return [
            self.result(
                "av_signature", state, value=days, unit="天", remark="特征库过期" if state != NORMAL else ""
            )
        ]

    def smart(self) -> list[CheckResult]:
        smart = self.metrics().get("smart") or {}
        if not smart:
            raise Unreadable((self.metrics().get("unreadable") or {}).get("smart", "无 SMART 数据"))
        return [
            self.result(
                "smart",
                NORMAL if health.upper() in HEALTHY else FAULT,
                item=dev,
                text=health,
                remark="" if health.upper() in HEALTHY else "硬盘健康检测未通过",
            )
            for dev, health in smart.items()
        ]

    # -- device checks (SNMP / TCP probe) -------------------------------------------------------------------
    def service_ports(self) -> list[CheckResult]:
        tcp = self.probe().get("tcp")
        if not isinstance(tcp, dict) or not tcp:
            raise Unreadable("未配置需检测的服务端口")
        return [
            self.result(
                "service_ports",
                NORMAL if ok else FAULT,
                item=f"tcp/{port}",
                text="开放" if ok else "无响应",
                remark="" if ok else f"端口 {port} 无响应",
            )
            for port, ok in sorted(tcp.items(), key=lambda kv: int(kv[0]))
        ]

    def snmp_system(self) -> list[CheckResult]:
        descr = self.snmp("sysDescr")
        return [self.result("snmp_system", NORMAL, text=clip(str(descr), 120))]

    def printer_status(self) -> list[CheckResult]:
        flags = self.snmp("printer")
        faults = [f for f in flags.get("errors", []) if f in PRINTER_FAULTS]
        warns = [f for f in flags.get("errors", []) if f not in PRINTER_FAULTS]
        device = flags.get("device_status")
        if device == "down":
            faults.append("down")
        elif device == "warning":
            warns.append("warning")
        words = [PRINTER_WORDS.get(f, f) for f in faults + warns]
        state = FAULT if faults else WARNING if warns else NORMAL
        return [
            self.result(
                "printer_status", state, text=flags.get("printer_status", ""), remark="、".join(words)
            )
        ]

    def printer_supplies(self) -> list[CheckResult]:
        supplies = self.snmp("supplies")
        out = []
        for s in supplies:
            level_, cap = s.get("level"), s.get("max")
            if not isinstance(level_, int) or not isinstance(cap, int) or cap <= 0 or level_ < 0:
                out.append(
                    self.result(
                        "printer_supplies", UNCHECKED, item=s.get("name", ""), remark="设备未报告余量"
                    )
                )
                continue
            pct = round(100.0 * level_ / cap, 1)
            state = level(pct, self.t["toner_pct"], lower_is_worse=True)
            remark = {FAULT: "耗材即将耗尽，需立即更换", WARNING: "耗材余量低，请备货"}.get(state, "")
            out.append(
                self.result(
                    "printer_supplies", state, item=s.get("name", ""), value=pct, unit="%", remark=remark
                )
            )
        if not out:
            raise Unreadable("未返回耗材信息")
        return out

    def printer_alerts(self) -> list[CheckResult]:
        alerts = self.snmp_answer().get("alerts") or []  # no SNMP answer is 未检, never "no alerts"
        if not alerts:
            return [self.result("printer_alerts", NORMAL, text="无告警")]
        return [
            self.result(
                "printer_alerts",
                FAULT if a.get("severity") == "critical" else WARNING,
                item=str(a.get("index", "")),
                text=str(a.get("description", "")),
                remark=str(a.get("description", "")),
            )
            for a in alerts
        ]

    def printer_counters(self) -> list[CheckResult]:
        count = self.snmp("page_count")
        return [self.result("printer_counters", NORMAL, value=float(count), unit="页")]

    def nvr_disks(self) -> list[CheckResult]:
        disks = self.snmp("disks")
        out = []
        for d in disks:
            status = d.get("status")
            state = {"running": NORMAL, "warning": WARNING, "testing": WARNING, "down": FAULT}.get(
                status, UNCHECKED
            )
            remark = {FAULT: "录像硬盘故障", WARNING: "录像硬盘告警", UNCHECKED: "状态未知"}.get(state, "")
            out.append(
                self.result("nvr_disks", state, item=str(d.get("name", "")), text=str(status), remark=remark)
            )
        return out

    # -- network devices (CLI) ---------------------------------------------------------------------
    def _net_pct(
        self, check: str, command: str, parser: Callable[[str], float | None], key: str
    ) -> list[CheckResult]:
        pct = parser(self.cli(command))
        if pct is None:
            raise Unreadable(f"无法解析 {command} 输出")
        state = level(pct, self.t[key])
        return [
            self.result(check, state, value=pct, unit="%", remark="使用率过高" if state != NORMAL else "")
        ]

    def net_cpu(self) -> list[CheckResult]:
        return self._net_pct("net_cpu", "cpu", netparse.cpu_pct, "net_cpu_pct")

    def net_memory(self) -> list[CheckResult]:
        return self._net_pct("net_memory", "memory", netparse.memory_pct, "net_memory_pct")

    def net_uptime(self) -> list[CheckResult]:
        seconds = netparse.uptime_seconds(self.cli("version"))
        if seconds is None:
            raise Unreadable("无法解析设备运行时长")
        hours = seconds / 3600
        state = level(hours, self.t["min_uptime_hours"], lower_is_worse=True)
        return [
            self.result(
                "net_uptime",
                state,
                value=round(hours, 1),
                unit="h",
                text=f"{hours / 24:.1f} 天",
                remark="近期发生重启" if state != NORMAL else "",
            )
        ]

    def net_interfaces(self) -> list[CheckResult]:
        """Uplinks (inspection_critical_interfaces) that are down are 故障; other ports that are
        down are listed but normal (unused access ports are down by nature); error counters are
        judged against interface_errors."""
        interfaces = netparse.interfaces(self.cli("interfaces"))
        if not interfaces:
            raise Unreadable("无法解析接口列表")
        critical = set(self.s.get("critical_interfaces") or [])
        out = []
        for i in interfaces:
            if i["name"] in critical and i["oper"] != "up":
                out.append(
                    self.result(
                        "net_interfaces",
                        FAULT,
                        item=str(i["name"]),
                        text="链路断开",
                        remark=f"上联接口 {i['name']} 链路断开",
                    )
                )
            errors = i.get("errors")
            if isinstance(errors, int) and errors > 0:
                state = level(float(errors), self.t["interface_errors"])
                out.append(
                    self.result(
                        "net_interfaces",
                        state,
                        item=str(i["name"]),
                        value=float(errors),
                        text="错误包",
                        remark=f"接口 {i['name']} 有错误包",
                    )
                )
        missing = critical - {str(i["name"]) for i in interfaces}
        for name in sorted(missing):
            out.append(
                self.result(
                    "net_interfaces",
                    FAULT,
                    item=name,
                    text="不存在",
                    remark=f"上联接口 {name} 不在接口列表中",
                )
            )
        up = sum(1 for i in interfaces if i["oper"] == "up")
        down = [str(i["name"]) for i in interfaces if i["admin"] == "up" and i["oper"] != "up"]
        text = f"{up}/{len(interfaces)} 接口 up" + (f"；未连接: {', '.join(down[:8])}" if down else "")
        out.append(self.result("net_interfaces", NORMAL, item="汇总", value=float(up), text=text))
        return out

    def net_ntp(self) -> list[CheckResult]:
        synced = netparse.ntp_synchronized(self.cli("ntp"))
        if synced is None:
            raise Unreadable("无法解析 NTP 状态")
        return [
            self.result(
                "net_ntp",
                NORMAL if synced else WARNING,
                text="已同步" if synced else "未同步",
                remark="" if synced else "设备时钟未同步",
            )
        ]

    def net_environment(self) -> list[CheckResult]:
        problems = netparse.environment_problems(self.cli("environment"))
        if problems is None:
            raise Unreadable("无法解析环境状态")
        if not problems:
            return [self.result("net_environment", NORMAL, text="风扇、电源、温度正常")]
        return [self.result("net_environment", FAULT, item=p, text=p, remark=f"{p} 异常") for p in problems]

    def net_alarms(self) -> list[CheckResult]:
        alarms = netparse.alarms(self.cli("alarms"))
        if not alarms:
            return [self.result("net_alarms", NORMAL, text="无告警")]
        return [
            self.result(
                "net_alarms",
                WARNING,
                value=float(len(alarms)),
                unit="条",
                text=clip(alarms[0], 120),
                remark="日志缓冲区有告警",
            )
        ]


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


def judge(
    host: str,
    checks: list[str],
    readings: Readings,
    thresholds: Thresholds,
    settings: dict[str, Any] | None = None,
) -> list[CheckResult]:
    """Judge every planned check of one host. Unreachable hosts get one 故障 reachability result."""
    j = _Judge(host, readings if isinstance(readings, dict) else {}, thresholds, settings or {})
    if j.r.get("unreachable"):
        return j.reachability()
    out: list[CheckResult] = []
    for check in checks:
        method = getattr(j, check, None) if check in TITLES else None
        if method is None:
            out.append(j.result(check, UNCHECKED, remark="未知的巡检项"))
            continue
        try:
            out.extend(method())
        except Unreadable as exc:
            out.append(j.result(check, UNCHECKED, remark=str(exc)))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
            out.append(j.result(check, UNCHECKED, remark=f"采集数据无法解析: {type(exc).__name__}"))
    return out
