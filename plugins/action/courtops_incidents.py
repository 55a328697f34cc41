"""Action plugin: open and close incidents (故障记录) from this play's inspection results.

Documented in library/courtops_incidents.py (ansible-doc -t module courtops_incidents).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from courtops.inspection.incidents import sync
from courtops.store import Store, StoreError


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

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
            systems[host] = str(values.get("asset_system") or "")
        try:
            with Store(args["store"]) as store:
                running = [r for r in store.runs(kind="inspect", limit=1) if r.status == "running"]
                outcome = sync(store, metrics, systems, running[0].id if running else None)
        except (StoreError, OSError) as exc:
            result.update(failed=True, msg=f"courtops_incidents: cannot update the results store: {exc}")
            return result
        result.update(
            changed=False,  # the targets are untouched; the store is our own record
            opened=outcome.opened,
            closed=outcome.closed,
            open_incidents=outcome.still_open,
            msg=f"故障记录：新开 {len(outcome.opened)}，关闭 {len(outcome.closed)}，未关闭 {outcome.still_open}",
        )
        return result
