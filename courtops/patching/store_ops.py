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


def _record_json(r: PatchResult) -> dict[str, Any]:
    return {
        "id": r.id, "run_id": r.run_id, "result": r.result, "ended_at": r.ended_at,
        "updates": [str(u.get("name", "")) for u in r.updates], "reason": r.reason, "blocked_by": r.blocked_by,
    }  # fmt: skip


def host_states(request: dict[str, Any]) -> dict[str, Any]:
    """Per host, its patch state as the patch-compliance report computes it (host_states), with the
    records it rests on, for the audit's patch item (courtops.patch_audit); a host without a patch
    record, or no store yet, is null. Read-only."""
    from courtops.report.patch_compliance import host_states as states_of

    hosts = list(request["hosts"])
    answer: dict[str, Any] = dict.fromkeys(hosts)
    try:
        store = Store(request.get("store") or None, readonly=True)
    except StoreError as exc:
        if "no results store here" in str(exc):  # no store yet: no patch was ever recorded
            return {"hosts": answer}
        raise
    with store:
        for host in hosts:
            rows = [r for r in store.patch_results(host=host) if r.result != "planned"]
            if not rows:
                continue
            [state] = states_of(rows)
            done = [r for r in rows if r.result in ("patched", "unchanged")]
            answer[host] = {
                "latest": _record_json(state.last),
                "last_success": _record_json(max(done, key=lambda r: (r.ended_at, r.id))) if done else None,
                "pending_security": state.pending_security,
                "reboot_pending": state.reboot_pending,
            }
    return {"hosts": answer}
