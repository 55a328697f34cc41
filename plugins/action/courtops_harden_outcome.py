"""Action plugin: compare the audit before and after a hardening run (courtops.harden_outcome).

Runs on the controller only; reads the two findings lists it is given and returns, under
``courtops_harden_outcome``, per host which items moved to 符合, which did not (and why), which are
待人工 by nature and which are approved exceptions, and under ``courtops_harden_scores`` the 符合 share
per host class (the hosts' ``asset_class``, else the platform) and overall, before → after. The
courtops_change_preview callback renders both into the 加固结果 report. Writes nothing: changed=False.
"""

from __future__ import annotations

from typing import Any

from ansible.plugins.action import ActionBase

from courtops.harden_outcome import as_dicts, outcome
from courtops.harden_scores import OVERALL, compare, shares


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "before": {"type": "list", "elements": "dict", "required": True},
                "after": {"type": "list", "elements": "dict", "required": True},
            }
        )
        hosts = outcome(args["before"], args["after"])
        hostvars = (task_vars or {}).get("hostvars", {})
        classes = {
            h: str(hostvars[h]["asset_class"])
            for h in {str(r.get("host")) for r in args["before"] + args["after"]}
            if h in hostvars and hostvars[h].get("asset_class")
        }
        scores = [
            {"class": r.cls, "overall": r.cls == OVERALL, "hosts": r.hosts,
             "before": r.before.text(), "after": r.after.text()}
            for r in compare(shares(args["before"], classes), shares(args["after"], classes))
        ]  # fmt: skip
        fixed = sum(len(h.fixed) for h in hosts)
        not_fixed = sum(len(h.not_fixed) + len(h.worse) for h in hosts)
        return {
            **result,
            "changed": False,
            "msg": f"{len(hosts)} 台主机：{fixed} 项整改为符合，{not_fixed} 项仍不符合/部分符合",
            "courtops_harden_outcome": as_dicts(hosts),
            "courtops_harden_scores": scores,
        }
