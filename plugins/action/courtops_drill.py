"""Action plugin: record one drill (应急演练) in the results store, against the current run.

Documented in library/courtops_drill.py (ansible-doc -t module courtops_drill).
"""

from __future__ import annotations

import time

from ansible.plugins.action import ActionBase

from courtops import store_access


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # in check mode nothing is recorded

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "kind": {
                    "type": "str",
                    "required": True,
                    "choices": ["restore", "spare_swap", "tabletop", "manual"],
                },
                "result": {"type": "str", "required": True, "choices": ["ok", "failed"]},
                "started_at": {"type": "float", "required": True},
                "ended_at": {"type": "float"},
                "recovery_s": {"type": "float"},
                "scenario": {"type": "str", "default": ""},
                "title": {"type": "str", "default": ""},
                "target": {"type": "str", "default": ""},
                "source": {"type": "str", "default": ""},
                "notes": {"type": "str", "default": ""},
                "store": {"type": "str"},
            }
        )
        ended = args["ended_at"] if args["ended_at"] is not None else time.time()
        drill = {
            "kind": args["kind"],
            "result": args["result"],
            "started_at": args["started_at"],
            "ended_at": ended,
            "recovery_s": args["recovery_s"]
            if args["recovery_s"] is not None
            else ended - args["started_at"],
            "scenario": args["scenario"],
            "title": args["title"],
            "target": args["target"],
            "source": args["source"],
            "notes": args["notes"],
        }
        request = store_access.run_context(args["store"]) | {
            "drill": drill,
            "dry_run": bool(self._task.check_mode),
        }
        try:
            answer = store_access.call("drill-add", request)
        except store_access.StoreAccessError as exc:
            return result | {"failed": True, "msg": f"courtops_drill: cannot record the drill: {exc}"}
        return result | {"changed": False, "drill_id": answer.get("id"), "drill": drill}
