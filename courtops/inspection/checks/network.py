"""Network-device checks: CLI output of VRP / Comware / IOS devices (the vendor module's inspection_commands).

The only module of the judge that calls the CLI parsers (courtops/inspection/netparse.py).
"""

from __future__ import annotations

from collections.abc import Callable

from courtops.inspection import netparse
from courtops.inspection.checks.base import Context, Unreadable, check
from courtops.inspection.result import FAULT, NORMAL, WARNING, CheckResult
from courtops.secrets import clip


def _percent(
    c: Context, check_id: str, command: str, parser: Callable[[str, str | None], float | None], key: str
) -> list[CheckResult]:
    pct = parser(c.cli(command), c.s.get("platform"))
    if pct is None:
        raise Unreadable(f"无法解析 {command} 输出")
    state = c.level(pct, key)
    return [c.result(check_id, state, value=pct, unit="%", remark="使用率过高" if state != NORMAL else "")]


@check("net_cpu")
def net_cpu(c: Context) -> list[CheckResult]:
    return _percent(c, "net_cpu", "cpu", netparse.cpu_pct, "net_cpu_pct")


@check("net_memory")
def net_memory(c: Context) -> list[CheckResult]:
    return _percent(c, "net_memory", "memory", netparse.memory_pct, "net_memory_pct")


@check("net_uptime")
def net_uptime(c: Context) -> list[CheckResult]:
    seconds = netparse.uptime_seconds(c.cli("version"), c.s.get("platform"))
    if seconds is None:
        raise Unreadable("无法解析设备运行时长")
    hours = seconds / 3600
    state = c.level(hours, "min_uptime_hours")
    return [
        c.result(
            "net_uptime",
            state,
            value=round(hours, 1),
            unit="h",
            text=f"{hours / 24:.1f} 天",
            remark="近期发生重启" if state != NORMAL else "",
        )
    ]


@check("net_interfaces")
def net_interfaces(c: Context) -> list[CheckResult]:
    """Uplinks (inspection_critical_interfaces) that are down are 故障; other ports that are down are
    listed but normal (unused access ports are down by nature); error counters are judged against
    interface_errors."""
    interfaces = netparse.interfaces(c.cli("interfaces"), c.s.get("platform"))
    if not interfaces:
        raise Unreadable("无法解析接口列表")
    critical = set(c.s.get("critical_interfaces") or [])
    out = []
    for i in interfaces:
        name = str(i["name"])
        if name in critical and i["oper"] != "up":
            out.append(
                c.result(
                    "net_interfaces", FAULT, item=name, text="链路断开", remark=f"上联接口 {name} 链路断开"
                )
            )
        errors = i.get("errors")
        if isinstance(errors, int) and errors > 0:
            state = c.level(float(errors), "interface_errors")
            out.append(
                c.result(
                    "net_interfaces",
                    state,
                    item=name,
                    value=float(errors),
                    text="错误包",
                    remark=f"接口 {name} 有错误包",
                )
            )
    for name in sorted(critical - {str(i["name"]) for i in interfaces}):
        out.append(
            c.result(
                "net_interfaces", FAULT, item=name, text="不存在", remark=f"上联接口 {name} 不在接口列表中"
            )
        )
    up = sum(1 for i in interfaces if i["oper"] == "up")
    down = [str(i["name"]) for i in interfaces if i["admin"] == "up" and i["oper"] != "up"]
    text = f"{up}/{len(interfaces)} 接口 up" + (f"；未连接: {', '.join(down[:8])}" if down else "")
    out.append(c.result("net_interfaces", NORMAL, item="汇总", value=float(up), text=text))
    return out


@check("net_ntp")
def net_ntp(c: Context) -> list[CheckResult]:
    synced = netparse.ntp_synchronized(c.cli("ntp"), c.s.get("platform"))
    if synced is None:
        raise Unreadable("无法解析 NTP 状态")
    return [
        c.result(
            "net_ntp",
            NORMAL if synced else WARNING,
            text="已同步" if synced else "未同步",
            remark="" if synced else "设备时钟未同步",
        )
    ]


@check("net_environment")
def net_environment(c: Context) -> list[CheckResult]:
    problems = netparse.environment_problems(c.cli("environment"), c.s.get("platform"))
    if problems is None:
        raise Unreadable("无法解析环境状态")
    if not problems:
        return [c.result("net_environment", NORMAL, text="风扇、电源、温度正常")]
    return [c.result("net_environment", FAULT, item=p, text=p, remark=f"{p} 异常") for p in problems]


@check("net_alarms")
def net_alarms(c: Context) -> list[CheckResult]:
    alarms = netparse.alarms(c.cli("alarms"), c.s.get("platform"))
    if alarms is None:
        raise Unreadable("无法解析告警输出")
    if not alarms:
        return [c.result("net_alarms", NORMAL, text="无告警")]
    return [
        c.result(
            "net_alarms",
            WARNING,
            value=float(len(alarms)),
            unit="条",
            text=clip(alarms[0], 120),
            remark="日志缓冲区有告警",
        )
    ]
