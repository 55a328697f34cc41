"""What every check family shares: the reading context, the registry and the threshold comparison."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from courtops import failure_labels
from courtops.inspection.catalogue import Catalogue
from courtops.inspection.result import FAULT, NORMAL, WARNING, CheckResult

Readings = dict[str, Any]
Thresholds = dict[str, dict[str, float | None]]


class Unreadable(Exception):
    """The reading a check needs is missing or not understood (→ 未检 with this reason)."""


def level(value: float, limits: dict[str, float | None], *, lower_is_worse: bool = False) -> str:
    """正常 / 告警 / 故障 of a number against {warn, fault}. A value that exactly meets a threshold
    takes its state: higher is worse → at or above; lower is worse → at or below (docs/inspection.md)."""
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


class Context:
    """One host's readings, thresholds and settings, and the helpers that read them."""

    def __init__(
        self,
        host: str,
        readings: Readings,
        thresholds: Thresholds,
        settings: dict[str, Any],
        catalogue: Catalogue,
    ) -> None:
        self.host, self.r, self.t, self.s, self.catalogue = host, readings, thresholds, settings, catalogue
        self.now = float(settings.get("now") or time.time())

    def result(self, check: str, state: str, **kw: Any) -> CheckResult:
        spec = self.catalogue.checks.get(check)
        return CheckResult(
            host=self.host, check=check, title=spec.title if spec else check, state=state, **kw
        )

    def level(self, value: float, threshold: str) -> str:
        """The state of ``value`` against the named threshold, in the direction the catalogue declares."""
        spec = self.catalogue.thresholds[threshold]
        limits = self.t.get(threshold)
        if not isinstance(limits, dict) or any(
            isinstance(v, bool) or not isinstance(v, (int, float, type(None))) for v in limits.values()
        ):  # the run's start check refuses this; a direct caller still gets 未检, never a guess
            raise Unreadable(f"阈值 inspection_thresholds.{threshold} 未配置或类型错误")
        return level(value, limits, lower_is_worse=spec.lower_is_worse)

    def metrics(self) -> dict[str, Any]:
        data = self.r.get("host_metrics")
        if not isinstance(data, dict):
            why = str(self.r.get("msg") or "")[:200]
            tag = failure_labels.label(why)
            raise Unreadable(
                "未取得主机采集数据" + (f"（{tag}）" if tag else "") + (f"：{why}" if why else "")
            )
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
        return str(outputs[name])


CheckFunction = Callable[[Context], list[CheckResult]]
#: check id → the function that judges it (filled by the family modules' @check decorators).
REGISTRY: dict[str, CheckFunction] = {}


def check(check_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the implementation of ``check_id``."""

    def register(func: CheckFunction) -> CheckFunction:
        if check_id in REGISTRY:
            raise ValueError(f"inspection check {check_id!r} implemented twice")
        REGISTRY[check_id] = func
        return func

    return register
