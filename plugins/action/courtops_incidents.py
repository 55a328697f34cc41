"""Action plugin: open and close incidents (故障记录) from this play's inspection results.

Documented in library/courtops_incidents.py (ansible-doc -t module courtops_incidents).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from courtops import store_access
from courtops.report.systems import system_of


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # in check mode it only says what it would open and close

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "hosts": {"type": "list", "elements": "str", "required": True},
                "result_var": {"type": "str", "default": "inspection_result"},
                "store": {"type": "str"},
            }
        )
        hostvars = (task_vars or {}).get("hostvars", {})
        metrics, systems = [], {}
        for host in args["hosts"]:
            values = hostvars.get(host, {})
            registered = values.get(args["result_var"])
            if not registered:  # not in this inspection's scope
                continue
            metrics.extend(registered.get("courtops_metrics") or [])
            systems[host] = system_of(values)  # office equipment named as such, not left blank
        dry_run = bool(self._task.check_mode)
        request = store_access.run_context(args["store"]) | {
            "metrics": metrics,
            "systems": systems,
            "dry_run": dry_run,
        }
        # SQLite never runs in this forked worker: a fresh process does the store work
        try:
            outcome = store_access.call("incidents-sync", request)
        except store_access.StoreAccessError as exc:
            result.update(failed=True, msg=f"courtops_incidents: cannot update the results store: {exc}")
            return result
        result.update(
            changed=False,  # the targets are untouched; the store is our own record
            opened=outcome["opened"],
            closed=outcome["closed"],
            open_incidents=outcome["still_open"],
        )
        if dry_run:
            would_open, would_close = outcome["would_open"], outcome["would_close"]
            result.update(
                would_open=would_open,
                would_close=would_close,
                msg=f"检查模式（未写入）：将新开 {len(would_open)}，将关闭 {len(would_close)}，"
                f"现有未关闭 {outcome['still_open']}",
            )
        else:
            result["msg"] = (
                f"故障记录：新开 {len(outcome['opened'])}，关闭 {len(outcome['closed'])}，"
                f"未关闭 {outcome['still_open']}"
            )
        return result
