"""Action plugin: judge one host's raw inspection readings on the controller (正常 / 告警 / 故障).

Documented in library/courtops_inspect.py (ansible-doc -t module courtops_inspect).
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from courtops.inspection.judge import judge
from courtops.inspection.plan import PlanError, checks_for
from courtops.inspection.result import worst
from courtops.inspection.variables import threshold_errors
from courtops.ledger import schema

CLASSES = tuple(schema.CLASSES)  # the inventory group contract, from the ledger schema
PLATFORMS = tuple(schema.PLATFORMS)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        _, args = self.validate_argument_spec(
            argument_spec={
                "profile": {
                    "type": "str",
                    "choices": ["monthly", "quarterly", "yearly"],
                    "default": "monthly",
                },
                "readings": {"type": "dict", "required": True},
            }
        )
        host = task_vars.get("inventory_hostname", "")
        groups = set(task_vars.get("group_names", []))
        cls = task_vars.get("asset_class") or next((c for c in CLASSES if c in groups), None)
        platform = task_vars.get("asset_platform") or next((p for p in PLATFORMS if p in groups), None)
        if not cls or not platform:
            raise AnsibleActionFail(f"{host}: no device class or platform group; is it in the ledger?")
        plan = task_vars.get("inspection_plan") or {}
        thresholds = task_vars.get("inspection_thresholds") or {}
        try:
            checks = checks_for(plan, cls, platform, args["profile"])
        except PlanError as exc:
            raise AnsibleActionFail(str(exc)) from exc
        bad = threshold_errors(thresholds)  # never judge against a mistyped threshold
        if bad:
            raise AnsibleActionFail("; ".join(bad))
        settings = {
            "critical_interfaces": task_vars.get("inspection_critical_interfaces") or [],
            "platform": platform,  # network readings are parsed by this platform's vendor module
        }
        results = judge(host, checks, args["readings"], thresholds, settings)
        states = [r.state for r in results if r.state != "未检"]
        result.update(
            changed=False,
            checks=checks,
            courtops_metrics=[r.metric() for r in results],
            inspection_state=worst(states) if states else "未检",
        )
        return result
