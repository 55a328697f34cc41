"""The run being recorded, as the recorder announces it to the processes Ansible forks.

The courtops_recorder callback runs in ansible-playbook's main process; lookups and action plugins
run in forked workers, which inherit its environment. The recorder puts the run's identity there when
a playbook starts, so a worker can ask for *this* run's previous run or attach incidents to *this*
run without guessing from the store which running run is its own.
"""

from __future__ import annotations

import json
import os

from courtops.store.store import RunInfo

CURRENT_RUN_ENV = "COURTOPS_CURRENT_RUN"


def announce(info: RunInfo) -> None:
    """Called by the recorder when a run starts (before any worker is forked for it)."""
    os.environ[CURRENT_RUN_ENV] = json.dumps(
        {"uuid": info.uuid, "kind": info.kind, "scope": info.scope, "started_at": info.started_at}
    )


def current_run() -> RunInfo | None:
    """The run being recorded, or None (no recorder, or not inside ansible-playbook)."""
    try:
        data = json.loads(os.environ.get(CURRENT_RUN_ENV, ""))
        return RunInfo(
            uuid=str(data["uuid"]),
            kind=str(data["kind"]),
            scope=str(data["scope"]),
            started_at=float(data["started_at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
