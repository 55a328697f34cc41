"""`courtops backup`: the configuration backups (配置备份) — list the devices' state, show a copy, diff two.

    courtops backup list                      # 设备、平台、最近成功、最近变更、状态、未备份天数、原因
    courtops backup show HOST [REV]           # the masked copy (newest, or at REV)
    courtops backup diff HOST [REV1 [REV2]]   # the last change, REV1 → newest, or REV1 → REV2

Copies come from the backup repository, states from the results store (docs/backup.md). Nothing shown
holds a secret: the repository's copies are masked; the full copies stay encrypted.
"""

from __future__ import annotations

import argparse
import time

from courtops.backup import settings
from courtops.backup.repo import REPO_ENV, BackupRepo, RepoError
from courtops.backup.status import stale_days
from courtops.cli import UserError
from courtops.court_time import ZONE_NAME, fmt_minute
from courtops.store import STORE_ENV, Store, StoreError

STATUS = {"ok": "成功", "failed": "失败"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("backup", help="配置备份 / configuration backups: list, show, diff")
    parser.add_argument(
        "--store", help=f"results store (default: ${STORE_ENV}, else as the recorder finds it)"
    )
    parser.add_argument(
        "--repo", help=f"backup repository (default: ${REPO_ENV}, else backups/ next to the store)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="every device's backup state")
    listing.add_argument(
        "--stale-days",
        type=float,
        help="days without a good backup that make a device stale (default: backup_stale_days)",
    )
    listing.set_defaults(func=_list)

    show = actions.add_parser("show", help="a device's masked copy")
    show.add_argument("host")
    show.add_argument("rev", nargs="?", help="a revision (default: the newest)")
    show.set_defaults(func=_show)

    diff = actions.add_parser("diff", help="what changed in a device's copy")
    diff.add_argument("host")
    diff.add_argument("rev1", nargs="?", help="from this revision (default: the last change)")
    diff.add_argument("rev2", nargs="?", help="to this revision (default: the newest)")
    diff.set_defaults(func=_diff)


def _repo(args: argparse.Namespace) -> BackupRepo:
    return BackupRepo(args.repo) if args.repo else BackupRepo()


def _list(args: argparse.Namespace) -> int:
    try:
        threshold = args.stale_days if args.stale_days is not None else settings.stale_days()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if threshold <= 0:
        raise UserError(f"--stale-days 必须是正数，不是 {threshold}")
    try:
        store = Store(args.store, readonly=True)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    with store:
        rows = store.backup_statuses()
    now = time.time()
    print(f"# 时间均为{ZONE_NAME}；未备份天数超过 {threshold:g} 天标记为“超期”")
    print("设备\t平台\t最近成功\t最近变更\t状态\t未备份天数\t原因")
    for s in rows:
        days = stale_days(s, now)
        age = "从未成功" if days is None else f"{days:.1f}"
        stale = days is None or days > threshold
        status = STATUS.get(s.status, s.status) + ("（超期）" if stale else "")
        print("\t".join([s.host, s.platform or "—", fmt_minute(s.last_success), fmt_minute(s.last_change),
                         status, age, s.reason or "—"]))  # fmt: skip
    if not rows:
        print("（尚无配置备份记录：先运行 playbooks/backup.yml）")
    return 0


def _show(args: argparse.Namespace) -> int:
    try:
        text = _repo(args).show(args.host, args.rev)
    except RepoError as exc:
        raise UserError(str(exc)) from exc
    print(text, end="")
    return 0


def _diff(args: argparse.Namespace) -> int:
    if args.rev2 and not args.rev1:
        raise UserError("给出 REV2 时必须给出 REV1")
    try:
        text = _repo(args).diff(args.host, args.rev1, args.rev2)
    except RepoError as exc:
        raise UserError(str(exc)) from exc
    print(text or "（无差异）", end="" if text else "\n")
    return 0
