"""`courtops runs`: the runs in the results store, newest first (to pick one for --run)."""

from __future__ import annotations

import argparse

from courtops.cli import UserError
from courtops.report.render import fmt_time
from courtops.store import STORE_ENV, Store, StoreError
from courtops.store.liveness import effective_status


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("runs", help="list the recorded runs (newest first)")
    p.add_argument("--store", help=f"results store (default: ${STORE_ENV}, else .cache/courtops.sqlite3)")
    p.add_argument("--kind", help="only runs of this kind (audit, inspect, ...)")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        store = Store(args.store, readonly=True)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    with store:
        head = f"{'id':>5}  {'kind':10} {'status':11} {'started (CST)':19}"
        print(f"{head}  {'results':>7} {'findings':>8}  playbook")
        for r in store.runs(kind=args.kind, limit=args.limit):
            results, findings = store.db.execute(
                "SELECT (SELECT COUNT(*) FROM task_results WHERE run_id = ?),"
                " (SELECT COUNT(*) FROM findings WHERE run_id = ?)",
                (r.id, r.id),
            ).fetchone()
            started, name = fmt_time(r.started_at), r.playbook
            status = effective_status(r)  # a run whose process is gone is shown interrupted
            print(f"{r.id:>5}  {r.kind[:10]:10} {status:11} {started}  {results:>7} {findings:>8}  {name}")
    return 0
