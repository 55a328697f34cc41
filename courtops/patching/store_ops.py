"""The patch playbook's store work, run by courtops.store.subprocess_ops in a fresh process."""

from __future__ import annotations

from typing import Any

from courtops.store import PatchResult, Store, StoreError


def latest_backups(request: dict[str, Any]) -> dict[str, Any]:
    """Per host, when its newest accepted configuration backup was taken (null: none recorded)."""
    hosts = list(request["hosts"])
    try:
        store = Store(request.get("store") or None, readonly=True)
    except StoreError as exc:
        if "no results store here" in str(exc):  # no store yet: no backup was ever recorded
            return {"taken_at": dict.fromkeys(hosts)}
        raise
    with store:
        latest: dict[str, float | None] = dict.fromkeys(hosts)
        for host in hosts:
            taken = [b.taken_at for b in store.backups(host=host)]
            latest[host] = max(taken) if taken else None
    return {"taken_at": latest}


def record(request: dict[str, Any]) -> dict[str, Any]:
    """Store one result per host, attached to the recorder's run of this play when there is one."""
    with Store(request.get("store") or None) as store:
        run_id = None
        if request.get("run_uuid"):
            try:
                run_id = store.get_run(request["run_uuid"]).id
            except StoreError:
                run_id = None
        rows = [PatchResult(**{**r, "run_id": run_id}) for r in request["results"]]
        store.add_patch_results(rows)
    return {"recorded": len(rows), "run_id": run_id}
