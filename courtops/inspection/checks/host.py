"""Host checks: readings of the Linux and Windows collectors (courtops_host_metrics / courtops_win_metrics)."""

from __future__ import annotations

from courtops.inspection.checks.base import Context, Unreadable, check
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING, CheckResult

HEALTHY = frozenset({"PASSED", "OK", "HEALTHY"})  # smartctl, smartctl (SCSI), Windows Get-PhysicalDisk


@check("uptime")
def uptime(c: Context) -> list[CheckResult]:
    hours = float(c.need(c.metrics(), "uptime_seconds")) / 3600
    state = c.level(hours, "min_uptime_hours")
    remark = "近期发生重启" if state != NORMAL else ""
    return [
        c.result("uptime", state, value=round(hours, 1), unit="h", text=f"{hours / 24:.1f} 天", remark=remark)
    ]


@check("cpu_load")
def cpu_load(c: Context) -> list[CheckResult]:
    data = c.metrics()
    if data.get("load") is None and data.get("cpu_pct") is not None:  # Windows: CPU % instead of load
        pct = float(data["cpu_pct"])
        state = c.level(pct, "cpu_pct")
        return [
            c.result(
                "cpu_load", state, value=pct, unit="%", remark="CPU 使用率过高" if state != NORMAL else ""
            )
        ]
    load = c.need(data, "load")
    per_core = float(load[1]) / max(int(data.get("cpu_count") or 1), 1)
    state = c.level(per_core, "cpu_load_per_core")
    return [
        c.result(
            "cpu_load",
            state,
            value=round(per_core, 2),
            text=f"5分钟负载 {load[1]}",
            remark="负载过高" if state != NORMAL else "",
        )
    ]


@check("memory")
def memory(c: Context) -> list[CheckResult]:
    mem = c.need(c.metrics(), "memory")
    pct = round(100.0 * (1 - mem["available_kb"] / mem["total_kb"]), 1)
    state = c.level(pct, "memory_used_pct")
    return [c.result("memory", state, value=pct, unit="%", remark="内存不足" if state != NORMAL else "")]


@check("disk")
def disk(c: Context) -> list[CheckResult]:
    disks = c.need(c.metrics(), "disks")
    if not disks:
        raise Unreadable("未发现可统计的文件系统")
    out = []
    for d in disks:
        if d.get("error") or d.get("used_pct") is None:  # mounted but unreadable: 未检, never left out
            remark = f"无法读取：{d.get('error') or '无使用率'}"
            out.append(c.result("disk", UNCHECKED, item=d["mount"], text=f"{d['mount']} 未检", remark=remark))
            continue
        state = c.level(float(d["used_pct"]), "disk_used_pct")
        out.append(
            c.result(
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


@check("time_sync")
def time_sync(c: Context) -> list[CheckResult]:
    sync = c.need(c.metrics(), "time_sync")
    if sync.get("synchronized") is None:
        reason = (c.metrics().get("unreadable") or {}).get("time_sync")
        raise Unreadable("无法读取时间同步状态" + (f"：{reason}" if reason else ""))
    offset = sync.get("offset_ms")
    if not sync["synchronized"]:
        return [c.result("time_sync", WARNING, text="未同步", remark="系统时钟未与时间服务器同步")]
    state = c.level(abs(float(offset)), "time_offset_ms") if offset is not None else NORMAL
    return [c.result("time_sync", state, value=offset, unit="ms", text=f"已同步({sync.get('source')})")]


@check("key_services")
def key_services(c: Context) -> list[CheckResult]:
    services = c.metrics().get("services")
    if not isinstance(services, dict) or not services:
        raise Unreadable((c.metrics().get("unreadable") or {}).get("services", "未配置关键服务"))
    out = []
    for name, active in services.items():
        # systemd: "reloading" is running (re-reading its configuration); "activating" has just been
        # (re)started and is not serving yet: look again, but it is not down
        state = (
            NORMAL
            if active in ("active", "reloading", "Running")
            else WARNING
            if active in ("activating", "StartPending")
            else FAULT
        )
        remark = {NORMAL: "", WARNING: f"关键服务 {name} 正在启动（{active}）"}.get(
            state, f"关键服务 {name} 未运行（{active}）"
        )
        out.append(c.result("key_services", state, item=name, text=str(active), remark=remark))
    return out


@check("pending_reboot")
def pending_reboot(c: Context) -> list[CheckResult]:
    pending = bool(c.need(c.metrics(), "pending_reboot"))
    return [
        c.result(
            "pending_reboot",
            WARNING if pending else NORMAL,
            text="是" if pending else "否",
            remark="系统更新后需重启" if pending else "",
        )
    ]


@check("patch_age")
def patch_age(c: Context) -> list[CheckResult]:
    days = round((c.now - float(c.need(c.metrics(), "packages_changed_at"))) / 86400, 1)
    state = c.level(days, "patch_age_days")
    return [
        c.result(
            "patch_age", state, value=days, unit="天", remark="长期未更新补丁" if state != NORMAL else ""
        )
    ]


@check("log_errors")
def log_errors(c: Context) -> list[CheckResult]:
    count = int(c.need(c.metrics(), "log_errors"))
    state = c.level(count, "log_errors")
    remark = "自上次巡检以来有错误日志" if state != NORMAL else ""
    return [c.result("log_errors", state, value=count, unit="条", remark=remark)]


@check("av_signature")
def av_signature(c: Context) -> list[CheckResult]:
    mtime = c.metrics().get("av_signature_mtime")
    if mtime is None:
        return [c.result("av_signature", WARNING, text="未发现", remark="未发现防病毒软件特征库")]
    days = round((c.now - float(mtime)) / 86400, 1)
    state = c.level(days, "av_signature_age_days")
    return [
        c.result("av_signature", state, value=days, unit="天", remark="特征库过期" if state != NORMAL else "")
    ]


@check("smart")
def smart(c: Context) -> list[CheckResult]:
    disks = c.metrics().get("smart") or {}
    if not disks:
        raise Unreadable((c.metrics().get("unreadable") or {}).get("smart", "无 SMART 数据"))
    return [
        c.result(
            "smart",
            NORMAL if health.upper() in HEALTHY else FAULT,
            item=dev,
            text=health,
            remark="" if health.upper() in HEALTHY else "硬盘健康检测未通过",
        )
        for dev, health in disks.items()
    ]
