"""Backup settings the controller-side readers need (the CLI, the 巡检记录): the staleness threshold.

They live with the playbook's other backup variables in playbooks/group_vars/all/backup.yml, read here so
the CLI and the reports use the value the playbooks use.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from courtops import REPO_ROOT

SETTINGS = REPO_ROOT / "playbooks" / "group_vars" / "all" / "backup.yml"
DEFAULT_STALE_DAYS = 7.0


def stale_days(path: Path = SETTINGS) -> float:
    """``backup_stale_days``: a device whose last good backup is older is listed as stale."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return DEFAULT_STALE_DAYS
    value = data.get("backup_stale_days", DEFAULT_STALE_DAYS)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{path}: backup_stale_days 必须是正数，不是 {value!r}")
    return float(value)
