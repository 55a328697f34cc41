"""Callback: the change preview (加固方案) and outcome (加固结果) of a hardening run.

Active for runs of kind ``harden`` (courtops/runkinds.py: playbooks/harden.yml) or when
``COURTOPS_CHANGE_PREVIEW`` is set. Keeps, per host, every changed task result whose task name starts
with a control id (``L3-CES1-02 | …``) with its diff (secrets masked, shadow files never shown),
and the ``courtops_harden_outcome`` the outcome task returns; at the end writes under
``<harden_output_dir or reports/harden>/<UTC time>-<run>/``: change-preview.html / .xlsx, changes.json,
outcome.html / outcome.json, and repoints ``latest``. With ``--check`` the preview is what would
change: the report is written (it is the point of a preview) but nothing else — no host, no store.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_change_preview
type: aggregate
short_description: Write the 加固方案 (change preview) and 加固结果 of a hardening run
description:
  - Groups the changed results of tasks named C(<control id> | ...) per host and control id, with
    before -> after from the task's diff, and writes HTML, XLSX and JSON under the run's export dir.
requirements: [courtops]
options:
  output_dir:
    description: where the run directories go; default C(reports/harden) of the repository, or C(-e harden_output_dir=DIR).
    type: path
    env: [{name: COURTOPS_HARDEN_OUTPUT_DIR}]
"""

import json
import os
import time
from pathlib import Path
from typing import Any

from ansible import context
from ansible.plugins.callback import CallbackBase
from ansible.utils.display import Display

from courtops import REPO_ROOT
from courtops.exportdir import make_run_dir, point_latest
from courtops.report.harden import Change, control_of, describe, write_outcome, write_preview
from courtops.runkinds import kind_of_playbook
from courtops.secrets import mask_text, rules_for
from courtops.store_access import RUN_UUID_ENV

display = Display()
OUTCOME_KEY = "courtops_harden_outcome"
SCORES_KEY = "courtops_harden_scores"


def _extra_vars() -> dict[str, Any]:
    """-e key=value and JSON extra vars (files are not read)."""
    found: dict[str, Any] = {}
    for item in context.CLIARGS.get("extra_vars") or ():
        text = str(item).strip()
        if text.startswith("@"):
            continue
        try:
            found.update(
                json.loads(text)
                if text.startswith("{")
                else dict(part.split("=", 1) for part in text.split() if "=" in part)
            )
        except ValueError:
            continue
    return found


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "courtops_change_preview"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self.active = False
        self.changes: list[Change] = []
        self.outcome: list[dict[str, Any]] | None = None
        self.scores: list[dict[str, Any]] = []  # the 符合 share per host class and overall, before → after
        self.meta: dict[str, Any] = {}
        self.failed: set[str] = set()

    def v2_playbook_on_start(self, playbook: Any) -> None:
        path = str(playbook._file_name)
        self.active = kind_of_playbook(path) == "harden" or bool(os.environ.get("COURTOPS_CHANGE_PREVIEW"))
        if not self.active:
            return
        extra = _extra_vars()
        args = context.CLIARGS
        self.meta = {
            "playbook": os.path.relpath(path, REPO_ROOT) if path.startswith(str(REPO_ROOT)) else path,
            "change_id": str(extra.get("change_id", "")),
            "target": str(extra.get("target", "")),
            "limit": args.get("subset") or "",
            "tags": ",".join(sorted(args.get("tags") or ())),
            "check_mode": bool(args.get("check")),
            "diff_mode": bool(args.get("diff")),
            "started_at": time.time(),
            "run_uuid": "",
            "failed_hosts": [],
        }
        self.out_root = Path(
            extra.get("harden_output_dir")
            or self.get_option("output_dir")
            or REPO_ROOT / "reports" / "harden"
        )

    def v2_runner_on_ok(self, result: Any) -> None:
        if not self.active:
            return
        raw = result._result
        if isinstance(raw.get(OUTCOME_KEY), list):
            self.outcome = raw[OUTCOME_KEY]
            self.scores = raw.get(SCORES_KEY) if isinstance(raw.get(SCORES_KEY), list) else []
        if not raw.get("changed"):
            return
        task = result._task
        cid, name = control_of(task.get_name())
        if not cid:
            return  # only remediation tasks (named after their control) are changes of the plan
        host = result._host.get_name()
        platform = str(result._host.vars.get("asset_platform") or "")
        rules = rules_for(platform or None)
        items = raw.get("results") if isinstance(raw.get("results"), list) else [raw]
        for part in items:
            if not isinstance(part, dict) or not part.get("changed"):
                continue
            args = dict(part.get("invocation", {}).get("module_args") or task.args or {})
            before, after, diff = describe(part, args)
            label = part.get("_ansible_item_label", part.get("item", "")) if part is not raw else ""
            self.changes.append(
                Change(
                    host=host,
                    control_id=cid,
                    task=name,
                    item=mask_text(str(label if label is not None else ""), rules),
                    before=mask_text(before, rules),
                    after=mask_text(after, rules),
                    diff=mask_text(diff, rules),
                )
            )

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        if self.active and not ignore_errors:
            self.failed.add(result._host.get_name())

    def v2_runner_on_unreachable(self, result: Any) -> None:
        if self.active:
            self.failed.add(result._host.get_name())

    def v2_playbook_on_stats(self, stats: Any) -> None:
        if not self.active:
            return
        self.meta["failed_hosts"] = sorted(self.failed)
        self.meta["run_uuid"] = os.environ.get(RUN_UUID_ENV, "")
        try:
            run_dir = make_run_dir(self.out_root, self.meta["run_uuid"])
            written = write_preview(self.changes, self.meta, run_dir)
            if self.outcome is not None:
                written += write_outcome(self.outcome, self.meta, run_dir, self.scores)
            point_latest(self.out_root, run_dir)
        except Exception as exc:  # a report failure must be seen, never hide the run's own result
            display.error(f"courtops_change_preview: cannot write the hardening reports: {exc}")
            return
        what = "加固方案（预览）" if self.meta["check_mode"] else "加固变更记录与结果"
        # on stderr: stdout may be a machine-read callback (ansible.posix.json)
        display.display(
            f"courtops_change_preview: {what} → {run_dir} ({len(self.changes)} 项修改)", stderr=True
        )
