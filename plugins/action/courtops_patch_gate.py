"""Action plugin: which hosts of the play may be patched (or rebooted) now, and why not.

Documented in library/courtops_patch_gate.py (ansible-doc -t module courtops_patch_gate).
"""

from __future__ import annotations

import datetime as dt

from ansible.plugins.action import ActionBase

from courtops import store_access
from courtops.court_time import CST
from courtops.patching import calendar, gate


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # reads only

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "hosts": {"type": "list", "elements": "str", "required": True},
                "calendar_files": {"type": "list", "elements": "path", "default": []},
                "courtroom_names": {"type": "dict", "default": {}},
                "windows": {"type": "dict", "default": {}},
                "margin_minutes": {"type": "int", "default": 60},
                "duration_minutes": {"type": "int", "default": 30},
                "backup_max_age_hours": {"type": "int"},
                "check_backup": {"type": "bool", "default": True},
                "now": {"type": "float"},
                "store": {"type": "str"},
            }
        )
        task_vars = task_vars or {}
        hostvars = task_vars.get("hostvars", {})
        groups = task_vars.get("groups", {})
        now = dt.datetime.fromtimestamp(args["now"], CST) if args["now"] else dt.datetime.now(CST)
        known = [g for g in groups if g.startswith(calendar.COURTROOM_PREFIX)]
        try:
            sessions = calendar.load(args["calendar_files"], known, args["courtroom_names"], now=now)
            windows = {
                zone: calendar.parse_windows(raw, f"patch_maintenance_windows.{zone}")
                for zone, raw in args["windows"].items()
            }
        except calendar.CalendarError as exc:
            result.update(failed=True, msg=f"开庭排期/维护窗口有误，未联系任何主机：{exc}")
            return result
        max_age = args["backup_max_age_hours"]
        policy = gate.Policy(
            margin=dt.timedelta(minutes=args["margin_minutes"]),
            duration=dt.timedelta(minutes=args["duration_minutes"]),
            backup_max_age=dt.timedelta(hours=max_age) if max_age is not None else None,
        )
        backups: dict[str, float | None] = {}
        if args["check_backup"] and max_age is not None:
            try:
                answer = store_access.call(
                    "patch-backups", store_access.run_context(args["store"]) | {"hosts": args["hosts"]}
                )
            except store_access.StoreAccessError as exc:
                result.update(
                    failed=True, msg=f"cannot read the configuration backups from the results store: {exc}"
                )
                return result
            backups = answer["taken_at"]
        decisions = {}
        for host in args["hosts"]:
            hv = hostvars.get(host, {})
            decisions[host] = gate.decide(
                list(hv.get("group_names", [])), str(hv.get("asset_zone", "")), sessions=sessions,
                windows=windows, backup_taken_at=backups.get(host), now=now, policy=policy,
                check_backup=args["check_backup"],
            ).as_dict()  # fmt: skip
        blocked = sorted(h for h, d in decisions.items() if not d["go"])
        stamp = now.timestamp()
        records = [
            {"host": h, "zone": str(hostvars.get(h, {}).get("asset_zone", "")),
             "klass": str(hostvars.get(h, {}).get("asset_class", "")), "result": decisions[h]["result"],
             "reason": decisions[h]["reason"], "blocked_by": (decisions[h]["blocked_by"] or {}).get("text", ""),
             "started_at": stamp, "ended_at": stamp}
            for h in blocked
        ]  # fmt: skip
        result.update(
            changed=False,
            decisions=decisions,
            records=records,
            sessions=len(sessions),
            msg=f"可更新 {len(decisions) - len(blocked)} 台，暂不更新 {len(blocked)} 台"
            + "".join(f"\n  {h}: {decisions[h]['reason']}" for h in blocked),
        )
        return result
