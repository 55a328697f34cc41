"""`courtops spares`: the emergency stock (应急物资储备库) — check the ledger, list stock, take, restock."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from courtops.cli import UserError
from courtops.commands.ledger import DEFAULT_LEDGER, DEFAULT_PLAN
from courtops.emergency.stock import Stock, orphans, stock
from courtops.ledger import load_plan, read_ledger
from courtops.ledger.plan import PlanError
from courtops.ledger.spares import DEFAULT_SPARES, SparesResult, read_spares
from courtops.store import Store, StoreError
from courtops.store.emergency_stock import Count, SpareMovement, StockError, add_movement


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("spares", help="应急物资储备库 / emergency spares: check, list, take, restock")
    parser.add_argument("--store", help="results store (default: as the recorder finds it)")
    parser.add_argument(
        "--spares", type=Path, default=DEFAULT_SPARES, help="spares ledger (default: %(default)s)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    actions.add_parser("check", help="validate the spares ledger, every problem as file:line").set_defaults(
        func=_check
    )
    listing = actions.add_parser("list", help="current stock: counted quantity ± movements since the count")
    listing.add_argument("--below-minimum", action="store_true", help="only spares below their minimum stock")
    listing.set_defaults(func=_list)

    take = actions.add_parser("take", help="take spares for an incident (故障) and the device they serve")
    take.add_argument("spare", help="the spare's 编号 in the ledger")
    take.add_argument("--incident", type=int, required=True, help="incident id (courtops incident list)")
    take.add_argument("--device", required=True, help="the device the spare serves (asset ledger name)")
    take.add_argument("--quantity", type=int, default=1)
    take.add_argument("--note", default="")
    take.add_argument(
        "--ledger", type=Path, default=DEFAULT_LEDGER, help="asset ledger the device is checked in"
    )
    take.set_defaults(func=_take)

    restock = actions.add_parser("restock", help="put spares back into the stock (purchase, repaired item)")
    restock.add_argument("spare")
    restock.add_argument("--quantity", type=int, required=True)
    restock.add_argument("--note", default="", help="e.g. 采购入库 / 返修入库")
    restock.set_defaults(func=_restock)


def spares_or_fail(path: Path) -> SparesResult:
    result = read_spares(path)
    if not result.ok:
        raise UserError(
            f"the spares ledger has {len(result.errors)} problem(s); fix them first:\n"
            + "\n".join(str(e) for e in result.errors)
        )
    return result


def _check(args: argparse.Namespace) -> int:
    result = read_spares(args.spares)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in result.errors:
        print(error, file=sys.stderr)
    if result.errors:
        print(f"{args.spares}: {len(result.errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.spares}: {len(result.spares)} spares OK (备件台账校验通过)")
    return 0


def _open(args: argparse.Namespace, *, readonly: bool) -> Store | None:
    try:
        return Store(args.store, readonly=readonly)
    except StoreError as exc:
        if readonly and "no results store here" in str(exc):
            return None  # nothing recorded yet: the counted quantities are the stock
        raise UserError(str(exc)) from exc


def _line(s: Stock) -> str:
    flag = "告警：低于最低库存" if s.below_minimum else "正常"
    sp = s.spare
    return "\t".join(
        [
            sp.id,
            sp.category,
            sp.model,
            f"{s.current}{sp.unit}",
            f"{sp.minimum}{sp.unit}",
            f"{sp.quantity}（{sp.counted_on}）",
            f"-{s.taken}/+{s.restocked}",
            sp.location,
            flag,
        ]
    )


def _list(args: argparse.Namespace) -> int:
    spares = spares_or_fail(args.spares).spares
    store = _open(args, readonly=True)
    try:
        rows = stock(spares, store)
        unknown = orphans(spares, store) if store else []
    finally:
        if store:
            store.close()
    print("编号\t类别\t型号\t现有库存\t最低库存\t盘点数量（日期）\t盘点后出/入库\t存放位置\t状态")
    for s in rows:
        if s.below_minimum or not args.below_minimum:
            print(_line(s))
    for spare_id in unknown:
        print(
            f"warning: the store has movements of {spare_id!r}, which is not in {args.spares}",
            file=sys.stderr,
        )
    return 0


def _quantity(value: int) -> int:
    if value <= 0:
        raise UserError(f"--quantity must be at least 1, not {value}")
    return value


def _take(args: argparse.Namespace) -> int:
    quantity = _quantity(args.quantity)
    spares = spares_or_fail(args.spares)
    spare = spares.by_id().get(args.spare)
    if spare is None:
        raise UserError(f"no spare {args.spare!r} in {args.spares} (courtops spares list)")
    store = _open(args, readonly=False)
    assert store is not None
    with store:
        incident = next((i for i in store.incidents() if i.id == args.incident), None)
        if incident is None:
            raise UserError(f"no incident {args.incident} (courtops incident list)")
        if args.device != incident.device and not _in_ledger(args.ledger, args.device):
            raise UserError(
                f"device {args.device!r} is neither incident {incident.id}'s device ({incident.device}) "
                f"nor in the asset ledger {args.ledger}"
            )
        current = stock([spare], store)[0].current
        if quantity > current:
            raise UserError(f"{spare.id} has {current}{spare.unit} in stock; cannot take {quantity}")
        try:
            add_movement(
                store,
                SpareMovement(
                    spare.id, -quantity, incident_id=incident.id, device=args.device, note=args.note
                ),
                Count(spare.quantity, spare.counted_at),
            )
        except StockError as exc:
            raise UserError(str(exc)) from exc
        left = current - quantity
    warn = "；低于最低库存，请补充（告警）" if left < spare.minimum else ""
    print(
        f"{spare.id}: 领用 {quantity}{spare.unit}（故障 {incident.id}，设备 {args.device}），剩余 {left}{spare.unit}{warn}"
    )
    return 0


def _in_ledger(path: Path, name: str) -> bool:
    try:
        plan = load_plan(DEFAULT_PLAN)
    except PlanError:
        return False
    return any(a.name == name for a in read_ledger(path, plan).assets)


def _restock(args: argparse.Namespace) -> int:
    quantity = _quantity(args.quantity)
    spare = spares_or_fail(args.spares).by_id().get(args.spare)
    if spare is None:
        raise UserError(f"no spare {args.spare!r} in {args.spares} (courtops spares list)")
    store = _open(args, readonly=False)
    assert store is not None
    with store:
        add_movement(store, SpareMovement(spare.id, quantity, note=args.note))
        current = stock([spare], store)[0].current
    print(f"{spare.id}: 入库 {quantity}{spare.unit}，现有 {current}{spare.unit}")
    return 0
