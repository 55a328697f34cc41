"""Action plugin: check the 等保 catalogue and every threshold override before the audit collects.

Runs on the controller only and reads hostvars; documented in library/courtops_dengbao_preflight.py.
"""

from __future__ import annotations

from typing import Any

from ansible.plugins.action import ActionBase

from courtops.preflight import audit_config_errors


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={"hosts": {"type": "list", "elements": "str", "required": True}}
        )
        hostvars = (task_vars or {}).get("hostvars", {})
        errors = audit_config_errors((host, hostvars.get(host, {})) for host in args["hosts"])
        if errors:
            return {**result, "failed": True, "errors": errors, "msg": "\n".join(errors)}
        return {
            **result,
            "changed": False,
            "msg": f"等保目录与阈值类型检查通过（{len(args['hosts'])} 台主机）",
        }
