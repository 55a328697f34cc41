"""Action plugin: judge one host's raw inspection readings on the controller (正常 / 告警 / 故障)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: courtops_inspect
short_description: Judge a host's inspection readings against the plan and thresholds (巡检判定)
description:
  - Runs on the controller only - it never contacts the host. Selects the checks of the host's device
    class and platform from C(inspection_plan) for the given profile, judges the raw readings with
    C(inspection_thresholds) and returns one result per check and item.
  - Returns the results under C(courtops_metrics), where the courtops recorder callback stores them.
  - An unreachable host gets one 故障 reachability result; unreadable readings give 未检 with the reason.
options:
  profile:
    description: Inspection profile.
    type: str
    choices: [monthly, quarterly, yearly]
    default: monthly
  readings:
    description: Raw readings - C(unreachable), C(msg), C(host_metrics), C(probe), C(cli).
    type: dict
    required: true
"""

RETURN = r"""
courtops_metrics:
  description: One entry per check and item - host, name, value, text, unit, labels {title, state, item, remark}.
  type: list
inspection_state:
  description: The worst state of the host (正常 / 告警 / 故障 / 未检 only when nothing was checked).
  type: str
checks:
  description: The checks the plan selected for the host.
  type: list
"""

import sys
from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

try:
    from courtops.inspection.judge import judge
    from courtops.inspection.plan import PlanError, checks_for
    from courtops.inspection.result import worst
    from courtops.inspection.variables import threshold_errors
    from courtops.ledger import schema
except ImportError:  # a checkout without `make setup`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
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
        settings = {"critical_interfaces": task_vars.get("inspection_critical_interfaces") or []}
        results = judge(host, checks, args["readings"], thresholds, settings)
        states = [r.state for r in results if r.state != "未检"]
        result.update(
            changed=False,
            checks=checks,
            courtops_metrics=[r.metric() for r in results],
            inspection_state=worst(states) if states else "未检",
        )
        return result
