"""Reachability (网络连通性): every platform provides it — an SSH/WinRM/CLI session or a device probe."""

from __future__ import annotations

from courtops import failure_labels
from courtops.inspection.checks.base import Context, check
from courtops.inspection.result import FAULT, NORMAL, WARNING, CheckResult
from courtops.secrets import clip


@check("reachability")
def reachability(c: Context) -> list[CheckResult]:
    if c.r.get("unreachable") and failure_labels.is_become_problem(c.r.get("msg")):
        # SSH answered; sudo did not: the host is reachable, its readings are not (告警, not 故障 不可达)
        tag = failure_labels.label(c.r.get("msg"))
        return [c.result("reachability", WARNING, text=f"可达，{tag}", remark=clip(str(c.r.get("msg")), 300))]
    if c.r.get("unreachable"):
        return [c.result("reachability", FAULT, text="不可达", remark=clip(str(c.r.get("msg", "")), 300))]
    if c.r.get("probe") is not None:
        probe = c.probe()
        answered = [k for k in ("icmp", "snmp") if probe.get(k) and not (probe[k] or {}).get("error")]
        answered += [f"tcp/{p}" for p, ok in (probe.get("tcp") or {}).items() if ok]
        if not answered:
            return [c.result("reachability", FAULT, text="无响应", remark="ICMP、SNMP 与服务端口均无响应")]
        rtt = (probe.get("icmp") or {}).get("rtt_ms")
        return [c.result("reachability", NORMAL, value=rtt, unit="ms", text="、".join(answered))]
    return [c.result("reachability", NORMAL, text="可达")]
