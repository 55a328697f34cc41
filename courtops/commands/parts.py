"""`courtops parts`: part replacements (配件更换记录) — record, list, approve, and the 配件清单及报价 XLSX."""

from __future__ import annotations

import argparse
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from courtops.cli import UserError
from courtops.commands.spares import spares_or_fail
from courtops.court_time import ZONE_NAME, fmt_minute
from courtops.emergency.stock import stock
from courtops.emergency.timeparse import parse_time, quarter_span
from courtops.ledger.spares import DEFAULT_SPARES
from courtops.report.parts_xlsx import write_parts_quote
from courtops.store import Store, StoreError
from courtops.store.emergency_stock import (
    SUPPLIERS,
    Count,
    PartReplacement,
    SpareMovement,
    StockError,
    add_replacement,
    approve_replacement,
    replacements,
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("parts", help="配件更换记录 / part replacements: record, list, approve, xlsx")
    parser.add_argument("--store", help="results store (default: as the recorder finds it)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    record = actions.add_parser("record", help="record a replaced part (with --spare: taken from the stock)")
    record.add_argument("--device", required=True, help="the device repaired (inventory host name)")
    record.add_argument("--incident", type=int, help="the incident (故障编号) it fixed")
    record.add_argument("--part", help="part name and model (default: the spare's model)")
    record.add_argument("--spare", help="the spare's 编号 when it came from the emergency stock")
    record.add_argument(
        "--spares", type=Path, default=DEFAULT_SPARES, help="spares ledger (default: %(default)s)"
    )
    record.add_argument("--quantity", type=int, default=1)
    record.add_argument("--price", required=True, help="agreed unit price in yuan, e.g. 4680 or 35.50")
    record.add_argument("--supplied-by", choices=sorted(SUPPLIERS), required=True, help="vendor or court")
    record.add_argument("--replaced", help="when it was replaced, e.g. '2026-11-30 10:15' (default: now)")
    record.add_argument("--notes", default="")
    record.set_defaults(func=_record)

    listing = actions.add_parser("list", help="list replacements")
    listing.add_argument("--quarter", help="e.g. 2026Q4 (default: all)")
    listing.add_argument("--pending", action="store_true", help="only those not yet approved")
    listing.set_defaults(func=_list)

    approve = actions.add_parser("approve", help="record the court's approval (审批) of a replacement")
    approve.add_argument("id", type=int)
    approve.add_argument("--by", required=True, help="who approved (审批人), as the court names them")
    approve.add_argument("--at", help="when, e.g. '2026-11-30 15:00' (default: now)")
    approve.set_defaults(func=_approve)

    quote = actions.add_parser("xlsx", help="write the 配件清单及报价 workbook for the court to approve")
    quote.add_argument("--quarter", help="e.g. 2026Q4 (default: all)")
    quote.add_argument("--pending", action="store_true", help="only those not yet approved")
    quote.add_argument("-o", "--output", type=Path, required=True)
    quote.set_defaults(func=_xlsx)


def price_fen(text: str) -> int:
    """'4680' / '35.5' / '35.50' yuan → fen; more than two decimals or a negative amount is refused."""
    try:
        value = Decimal(text.strip().replace(",", "").lstrip("¥￥"))
    except InvalidOperation:
        raise UserError(f"--price {text!r} is not an amount in yuan such as 4680 or 35.50") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise UserError(f"--price {text!r}: an amount in yuan ≥ 0 with at most two decimals")
    return int(value * 100)


def _when(text: str | None, option: str) -> float:
    if not text:
        return time.time()
    try:
        return parse_time(text)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}") from exc


def _span(text: str | None) -> tuple[float | None, float | None]:
    if not text:
        return None, None
    try:
        _, start, end = quarter_span(text)
    except ValueError as exc:
        raise UserError(f"--quarter: {exc}") from exc
    return start, end


def _store(args: argparse.Namespace, *, readonly: bool) -> Store:
    try:
        return Store(args.store, readonly=readonly)
    except StoreError as exc:
        raise UserError(str(exc)) from exc


def _record(args: argparse.Namespace) -> int:
    if args.quantity <= 0:
        raise UserError(f"--quantity must be at least 1, not {args.quantity}")
    fen = price_fen(args.price)
    replaced_at = _when(args.replaced, "--replaced")
    spare = None
    if args.spare:
        spare = spares_or_fail(args.spares).by_id().get(args.spare)
        if spare is None:
            raise UserError(f"no spare {args.spare!r} in {args.spares} (courtops spares list)")
        if args.incident is None:
            raise UserError("a part taken from the emergency stock names the incident (--incident)")
    part = args.part or (spare.model if spare else "")
    if not part.strip():
        raise UserError("name the part (--part) or the spare it came from (--spare)")
    with _store(args, readonly=False) as store:
        take, count = None, None
        if spare is not None:
            current = stock([spare], store)[0].current
            if args.quantity > current:
                raise UserError(f"{spare.id} has {current}{spare.unit} in stock; cannot take {args.quantity}")
            take = SpareMovement(
                spare.id,
                -args.quantity,
                at=replaced_at,
                incident_id=args.incident,
                device=args.device,
                note=f"配件更换：{part}",
            )
            count = Count(spare.quantity, spare.counted_at)
        try:
            new_id = add_replacement(
                store,
                PartReplacement(
                    part=part.strip(),
                    device=args.device,
                    quantity=args.quantity,
                    unit_price_fen=fen,
                    supplied_by=args.supplied_by,
                    replaced_at=replaced_at,
                    incident_id=args.incident,
                    spare_id=spare.id if spare else "",
                    notes=args.notes,
                ),
                take,
                count,
            )
        except StockError as exc:
            raise UserError(str(exc)) from exc
    print(new_id)
    return 0


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _list(args: argparse.Namespace) -> int:
    since, until = _span(args.quarter)
    with _store(args, readonly=True) as store:
        rows = replacements(store, since=since, until=until, pending_only=args.pending)
    print(f"# 时间均为{ZONE_NAME}；金额单位：元")
    print("编号\t更换时间\t设备\t故障编号\t配件\t数量\t单价\t金额\t供货方\t审批人\t审批时间")
    for r in rows:
        print(
            "\t".join(
                [
                    str(r.id),
                    fmt_minute(r.replaced_at),
                    r.device,
                    str(r.incident_id or "—"),
                    r.part,
                    str(r.quantity),
                    yuan(r.unit_price_fen),
                    yuan(r.amount_fen),
                    SUPPLIERS[r.supplied_by],
                    r.approved_by or "待审批",
                    fmt_minute(r.approved_at),
                ]
            )
        )
    return 0


def _approve(args: argparse.Namespace) -> int:
    at = _when(args.at, "--at")
    with _store(args, readonly=False) as store:
        try:
            approve_replacement(store, args.id, args.by, at)
        except StockError as exc:
            raise UserError(str(exc)) from exc
    return 0


def _xlsx(args: argparse.Namespace) -> int:
    since, until = _span(args.quarter)
    with _store(args, readonly=True) as store:
        rows = replacements(store, since=since, until=until, pending_only=args.pending)
    period = quarter_span(args.quarter)[0] if args.quarter else "全部"
    write_parts_quote(rows, args.output, period=period)
    print(args.output)
    return 0
