"""Action plugin: after a Linux restore onto another host, compare it with the original.

Runs on the controller only. Both hosts' audit evidence (``courtops_linux_collect``, registered by the
play) is judged with the audit's own evaluator and each host's thresholds; the verdicts per control id,
the enabled units and the running services must be equal (courtops.backup.restore_compare). Documented
in library/courtops_restore_compare.py (ansible-doc -t module courtops_restore_compare).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ansible.plugins.action import ActionBase

from courtops import catalogue, evaluator
from courtops.backup.restore_compare import service_differences, verdict_differences, verdicts


def _evidence(reg: Any) -> dict[str, Any]:
    if not isinstance(reg, dict) or reg.get("failed") or reg.get("unreachable") or reg.get("skipped"):
        return {"failed": True, "msg": str((reg or {}).get("msg", "未采集"))[:300]}
    return dict(reg.get("evidence") or {"failed": True, "msg": "采集结果为空"})


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "source": {"type": "str", "required": True},
                "target": {"type": "str", "required": True},
                "source_evidence": {"type": "raw", "required": True},
                "target_evidence": {"type": "raw", "required": True},
            }
        )
        hostvars = (task_vars or {}).get("hostvars", {})
        cat = catalogue.default()
        judged: dict[str, dict[str, str]] = {}
        evidence: dict[str, dict[str, Any]] = {}
        for role in ("source", "target"):
            host = args[role]
            hv = hostvars.get(host, {})
            platform = str(hv.get("asset_platform") or "linux_deb")
            evidence[role] = _evidence(args[f"{role}_evidence"])
            if evidence[role].get("failed"):
                return result | {"failed": True, "msg": f"{host} 的等保证据采集失败：{evidence[role]['msg']}"}
            thresholds = {k: hv[k] for k in cat.thresholds if k in hv}
            judged[role] = verdicts(evaluator.evaluate_host(cat, host, platform, evidence[role], thresholds))
        diff, excused = verdict_differences(judged["source"], judged["target"])
        services = service_differences(evidence["source"], evidence["target"])
        ok = not diff and not services
        counts = dict(Counter(judged["target"].values()))
        msg = (
            f"新主机 {args['target']} 与原主机 {args['source']} 的服务和 {len(judged['target'])} 项等保判定一致"
            if ok
            else f"新主机 {args['target']} 与原主机 {args['source']} 不一致："
            + "；".join([*diff, *services][:20])
        )
        return result | {
            "changed": False,
            "failed": not ok,
            "equal": ok,
            "verdict_differences": diff,
            "identity_differences": excused,
            "service_differences": services,
            "verdicts": judged["target"],
            "verdict_counts": counts,
            "msg": msg,
        }
