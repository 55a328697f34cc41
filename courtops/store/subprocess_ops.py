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
from courtops.store import Run, Store, StoreError


def _current_run(store: Store, run_uuid: str, kind: str) -> Run | None:
    """The run this play belongs to: by the uuid the recorder published, else the running one."""
    if run_uuid:
        try:
            return store.get_run(run_uuid)
        except StoreError:
            pass  # the recorder has not committed its run yet: the running one of this kind
    running = [r for r in store.runs(kind=kind, limit=1) if r.status == "running"]
    return running[0] if running else None


def previous_run(request: dict[str, Any]) -> dict[str, Any]:
    """Start time of the latest finished run of a kind (not the current one); null when none."""
    try:
        with Store(request.get("store") or None, create=False) as store:
            runs = store.runs(kind=request["kind"], limit=20)
    except StoreError as exc:
        if "no results store here" in str(exc):
            return {"started_at": None}
        raise
    current = request.get("run_uuid") or ""
    # a --check run wrote nothing and proves nothing: it is not "the previous inspection"
    finished = [r for r in runs if r.status != "running" and r.uuid != current and not r.check_mode]
    return {"started_at": finished[0].started_at if finished else None}


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
        run = _current_run(store, request.get("run_uuid") or "", "inspect")
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


OPERATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "previous-run": previous_run,
    "incidents-sync": incidents_sync,
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
