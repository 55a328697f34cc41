"""Action plugin: check the inspection variables of every play host before any host is contacted."""

from __future__ import annotations

# Documentation: library/courtops_inspection_preflight.py (ansible-doc reads it from the module stub).
import json
from typing import Any

from ansible.plugins.action import ActionBase

from courtops.inspection import catalogue
from courtops.inspection.plan import run_errors

_FIXED = ("inspection_plan", "inspection_thresholds")


def _names() -> tuple[str, ...]:
    return _FIXED + tuple(catalogue.default().settings)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={"hosts": {"type": "list", "elements": "str", "required": True}}
        )
        hostvars = (task_vars or {}).get("hostvars", {})
        verdicts: dict[str, list[str]] = {}  # the same variables (most hosts) are checked once
        problems: dict[str, list[str]] = {}  # message → hosts that see it
        for host in args["hosts"]:
            values: dict[str, Any] = {}
            seen = hostvars.get(host, {})
            for name in _names():
                if name in seen:
                    values[name] = seen[name]
            key = json.dumps(values, sort_keys=True, default=repr)
            if key not in verdicts:
                verdicts[key] = run_errors(values)
            for message in verdicts[key]:
                problems.setdefault(message, []).append(host)
        result.update(changed=False, checked_hosts=len(args["hosts"]))
        if problems:
            lines = []
            for message, hosts in problems.items():
                where = ", ".join(hosts[:5]) + (f" and {len(hosts) - 5} more" if len(hosts) > 5 else "")
                lines.append(f"{message} [hosts: {where}]")
            result.update(
                failed=True,
                errors=lines,
                msg="inspection variables do not match inspection/checks.yml; nothing was inspected:\n"
                + "\n".join(lines),
            )
        return result
