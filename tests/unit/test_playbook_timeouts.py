"""Issue 16.4: every task that touches a target (or runs a command) has a bounded time.

Only tasks that do their work inside the controller's Ansible process (variables, judgement, the
store through courtops.store_access with its own timeout) may go without a `timeout:`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

CONTROLLER_ONLY = {
    "ansible.builtin.set_fact",
    "ansible.builtin.assert",
    "ansible.builtin.debug",
    "courtops_inspect",
    "courtops_incidents",
    "courtops_dengbao_evaluate",
    "courtops_dengbao_preflight",
    "courtops_inspection_preflight",
    # the backup, hardening and drill records are controller-side, their store work bounded by store_access
    "courtops_backup",
    "courtops_backup_commit",
    "courtops_harden_outcome",
    "courtops_drill",
    # compares two registered collector results with the evaluator: no connection, no store
    "courtops_restore_compare",
    "ansible.builtin.group_by",
    "ansible.builtin.meta",
    "ansible.builtin.fail",
}
TASK_KEYS = {
    "name", "when", "register", "loop", "loop_control", "vars", "tags", "become", "timeout", "run_once",
    "delegate_to", "no_log", "any_errors_fatal", "ignore_errors", "ignore_unreachable", "failed_when", "changed_when", "args",
    "check_mode", "retries", "delay", "until", "notify", "environment", "throttle", "diff", "become_user",
    "delegate_facts", "listen",
}  # fmt: skip


def _flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks, with those inside block / rescue / always counted one by one (a block itself runs nothing)."""
    out = []
    for item in items:
        if "block" in item:
            out.extend(_flatten([*item["block"], *(item.get("rescue") or []), *(item.get("always") or [])]))
        else:
            out.append(item)
    return out


def tasks(path: Path) -> list[dict[str, Any]]:
    out = []
    for play in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        if "import_playbook" in play:
            continue  # the imported playbook is checked on its own
        for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            out.extend(_flatten(play.get(section) or []))
    return out


def action(task: dict[str, Any]) -> str:
    [name] = [k for k in task if k not in TASK_KEYS]
    return str(name)


def test_every_task_that_touches_a_target_has_a_timeout():
    playbooks = sorted((REPO / "playbooks").glob("*.yml"))
    assert {p.name for p in playbooks} >= {"inspect.yml", "audit.yml"}
    unbounded = [
        f"{p.name}: {t.get('name')} ({action(t)})"
        for p in playbooks
        for t in tasks(p)
        if action(t) not in CONTROLLER_ONLY and "timeout" not in t
    ]
    assert not unbounded, "tasks without a timeout: " + "; ".join(unbounded)


def test_the_collectors_are_given_the_per_command_timeout():
    [gather] = [t for t in tasks(REPO / "playbooks" / "inspect.yml") if action(t) == "courtops_host_metrics"]
    assert gather["courtops_host_metrics"]["command_timeout"] == "{{ courtops_command_timeout }}"
    assert gather["ignore_errors"] is True  # a timed-out collector still gets its host judged (未检)
