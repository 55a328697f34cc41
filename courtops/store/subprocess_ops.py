"""The store work Ansible plugins need, run as ``python -m courtops.store.subprocess_ops OP``.

Plugins run in worker processes forked from the multi-threaded controller, where SQLite must not be
used (see ``courtops.store.forkguard``). ``courtops.store_access`` execs this module in a fresh
process instead: it reads one JSON request on stdin and writes one JSON answer on stdout.
A user-level failure (no store, unreadable store) is ``{"error": "..."}`` with exit status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from courtops.inspection.incidents import sync
from courtops.patching import store_ops as patch_ops
from courtops.runkinds import incident_kinds
from courtops.store import Drill, Run, RunInfo, Store, StoreError
from courtops.store.current import current_run


def _current_run(store: Store, run_uuid: str) -> Run | None:
    """The run this play belongs to, as the recorder announced it (None: not recorded, or not yet)."""
    if not run_uuid:
        return None
    try:
        return store.get_run(run_uuid)
    except StoreError:  # the recorder's writer has not inserted it (yet), or records elsewhere
        return None


def previous_run(request: dict[str, Any]) -> dict[str, Any]:
    """Start time of THE previous run (Store.previous_run: same kind and scope, finished, not --check,
    before) of the run being recorded — found by its uuid, else as the recorder announced it — when
    that run is of the asked kind; null when there is none, no recorded run or no store yet."""
    try:
        store = Store(request.get("store") or None, readonly=True)
    except StoreError as exc:
        if "no results store here" in str(exc):  # a lookup never creates a store
            return {"started_at": None}
        raise
    with store:
        this: Run | RunInfo | None = _current_run(store, request.get("run_uuid") or "") or current_run()
        if this is None or this.kind != request["kind"]:
            return {"started_at": None}
        previous = store.previous_run(this)
    return {"started_at": previous.started_at if previous else None}


def incidents_sync(request: dict[str, Any]) -> dict[str, Any]:
    """Open / close incidents from the judged metrics; with ``dry_run`` only say what would change."""
    dry_run = bool(request.get("dry_run"))
    try:
        store = Store(request.get("store") or None, create=not dry_run)
    except StoreError as exc:
        if dry_run and "no results store here" in str(exc):  # --check creates nothing either
            faults = [m for m in request["metrics"] if (m.get("labels") or {}).get("state") == "故障"]
            would = sorted({f"{m['host']} {m['name']}" for m in faults})
            return {"opened": [], "closed": [], "still_open": 0, "would_open": would, "would_close": []}
        raise
    with store:
        run = _current_run(store, request.get("run_uuid") or "")
        if run is not None and run.kind not in incident_kinds():  # e.g. an audit opens no incidents
            run = None
        outcome = sync(
            store, request["metrics"], request.get("systems") or {}, run.id if run else None, dry_run=dry_run
        )
    return {
        "opened": outcome.opened,
        "closed": outcome.closed,
        "still_open": outcome.still_open,
        "would_open": outcome.would_open,
        "would_close": outcome.would_close,
    }


def backup_record(request: dict[str, Any]) -> dict[str, Any]:
    """Record one device's backup attempt (courtops.backup.status.record) in the run's store."""
    from courtops.backup import status
    from courtops.store import BackupStatus

    with Store(request.get("store") or None) as store:
        run = _current_run(store, request.get("run_uuid") or "")
        attempt = BackupStatus(**(request["attempt"] | {"run_id": run.id if run else None}))
        return status.record(
            store,
            attempt,
            changed=bool(request.get("changed")),
            sha256=str(request.get("sha256") or ""),
            size=int(request.get("size") or 0),
            system=str(request.get("system") or ""),
        )


def backup_committed(request: dict[str, Any]) -> dict[str, Any]:
    """Note the commit that holds these devices' last change."""
    with Store(request.get("store") or None) as store:
        store.set_backup_rev(request["hosts"], request["rev"])
    return {"hosts": len(request["hosts"])}


def drill_add(request: dict[str, Any]) -> dict[str, Any]:
    """Record one drill (应急演练: a restore, a spare swap) against this run; ``dry_run`` records nothing."""
    if request.get("dry_run"):
        return {"id": None}
    with Store(request.get("store") or None) as store:
        run = _current_run(store, request.get("run_uuid") or "")
        drill = Drill(**(request["drill"] | {"run_id": run.id if run else None}))
        return {"id": store.add_drill(drill)}


OPERATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "previous-run": previous_run,
    "incidents-sync": incidents_sync,
    "backup-record": backup_record,
    "backup-committed": backup_committed,
    "drill-add": drill_add,
    "patch-backups": patch_ops.latest_backups,
    "patch-record": patch_ops.record,
    "patch-states": patch_ops.host_states,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in OPERATIONS:
        print(json.dumps({"error": f"usage: subprocess_ops {{{','.join(OPERATIONS)}}} < request.json"}))
        return 2
    try:
        answer = OPERATIONS[argv[0]](json.load(sys.stdin))
    except (StoreError, OSError, ValueError, KeyError) as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False))
        return 2
    print(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
