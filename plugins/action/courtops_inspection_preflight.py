"""Action plugin: check the inspection variables of every play host before any host is contacted."""

from __future__ import annotations

DOCUMENTATION = r"""
module: courtops_inspection_preflight
short_description: Check the inspection plan, thresholds and settings against the check catalogue (巡检前检查)
description:
  - Runs once on the controller at the start of playbooks/inspect.yml and never contacts a host.
  - For each given host, reads C(inspection_plan), C(inspection_thresholds) and the C(inspection_*)
    settings as that host sees them (playbook group_vars, inventory group_vars and host_vars, C(-e)) and
    checks them against the inspection-check catalogue (inspection/checks.yml) - every check id exists,
    every threshold and setting has its declared type.
  - Fails naming each variable, what was expected and which hosts see the bad value, so the run stops
    before any reading is taken (a misspelt check or a string threshold is never silently dropped or
    judged).
options:
  hosts:
    description: The hosts whose variables to check (normally C(ansible_play_hosts_all)).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Check the plan, thresholds and settings before contacting any host
  courtops_inspection_preflight:
    hosts: "{{ ansible_play_hosts_all }}"
  run_once: true
"""

RETURN = r"""
checked_hosts:
  description: How many hosts' variables were checked.
  type: int
"""

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
