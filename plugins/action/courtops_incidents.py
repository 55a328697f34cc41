"""Action plugin: open and close incidents (故障记录) from this play's inspection results."""

from __future__ import annotations

DOCUMENTATION = r"""
module: courtops_incidents
short_description: Open incidents for 故障 readings and close those found healthy again (故障记录)
description:
  - Runs once on the controller after courtops_inspect. Reads each play host's registered inspection
    result, opens an incident in the courtops results store for every 故障 reading (device, system,
    check, message, opened at) and closes open incidents whose reading is now healthy, with the time.
  - Manual incidents (courtops incident open) are never closed automatically.
options:
  hosts:
    description: The hosts whose results to read; hosts that registered none are skipped (normally C(groups['all'])).
    type: list
    elements: str
    required: true
  result_var:
    description: The variable each host registered the courtops_inspect result in.
    type: str
    default: inspection_result
  store:
    description: Results store path; default as the recorder finds it ($COURTOPS_STORE, ansible.cfg, .cache).
    type: str
"""

import sys
from pathlib import Path

from ansible.plugins.action import ActionBase

try:
    from courtops.inspection.incidents import sync
    from courtops.runkinds import incident_kinds
    from courtops.store import Store, StoreError
    from courtops.store.current import current_run
except ImportError:  # a checkout without `make setup`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from courtops.inspection.incidents import sync
    from courtops.runkinds import incident_kinds
    from courtops.store import Store, StoreError
    from courtops.store.current import current_run


def _this_run_id(store: Store) -> int | None:
    """The recorded run these incidents belong to: the run the recorder announced, if it is of a kind
    that opens incidents (courtops/runkinds.py); None when the run is not recorded."""
    this = current_run()
    if this is None or this.kind not in incident_kinds():
        return None
    try:
        return store.get_run(this.uuid).id
    except StoreError:  # the recorder's writer has not inserted it (yet), or records elsewhere
        return None


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
                outcome = sync(store, metrics, systems, _this_run_id(store))
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
