"""`refnet record-orders FILE`: records the orders of a CSV or JSON Lines file in batches
(issue 18), each batch booked as `recordOrders` books it."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cli.main import command, open_engine
from cli.register import read_rows
from graph.core.errors import BadInput
from graph.ledger import order_batch
from graph.ledger.order_batch import OrderItem

# The fields of GraphQL's OrderInput, as the file spells them.
FIELDS = {"id": "order_id", "buyerId": "buyer_id", "amount": "amount", "referrerId": "referrer_id", "at": "at"}
# The same fields as `refnet import`'s orders file spells them: one file serves both.
SNAKE_CASE = {"buyer_id": "buyerId", "referrer_id": "referrerId"}
NAMES = {**FIELDS, **{snake: FIELDS[camel] for snake, camel in SNAKE_CASE.items()}}


def amount_of(value: Any, number: int) -> Decimal:
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return Decimal(value)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise BadInput(f"record {number}: amount {value!r} is not a number like 1000.00") from None


def at_of(value: Any, number: int) -> int:
    """Epoch ms of an ISO 8601 time (without a zone: UTC), as recordOrder's `at`."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"record {number}: at {value!r} is not a time like 2026-11-10T12:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def item_of(row: dict[str, Any], number: int) -> OrderItem:
    row = dict(row)
    for snake, camel in SNAKE_CASE.items():
        if snake in row:
            if camel in row:
                raise BadInput(f"record {number}: {snake} is given twice (as {snake} and {camel}); give it once")
            row[camel] = row.pop(snake)
    unknown = sorted(set(row) - set(FIELDS), key=str)
    if unknown:
        raise BadInput(f"record {number}: unknown field(s) {', '.join(map(str, unknown))}; "
                       f"the fields are {', '.join(FIELDS)} (or {', '.join(SNAKE_CASE)})")
    for name in ("id", "buyerId", "amount"):
        if row.get(name) in (None, ""):
            raise BadInput(f"record {number}: {name} is required")
    for name in ("id", "buyerId", "referrerId"):
        if row.get(name) is not None and not isinstance(row[name], str):
            raise BadInput(f"record {number}: {name} is text")
    return OrderItem(row["id"], row["buyerId"], amount_of(row["amount"], number), row.get("referrerId"),
                     at_of(row["at"], number) if row.get("at") not in (None, "") else None)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="CSV with a header row, or JSON Lines; fields as OrderInput: "
                                                + ", ".join(FIELDS) + " (at: ISO 8601, default now)")
    parser.add_argument("--batch-size", type=int, default=order_batch.MAX_BATCH,
                        help=f"orders per booking (1 to {order_batch.MAX_BATCH}, default {order_batch.MAX_BATCH})")


@command("record-orders", "record the orders of a CSV or JSON Lines file, in order, in batches", _arguments)
def record_orders(args: argparse.Namespace) -> int:
    if not 1 <= args.batch_size <= order_batch.MAX_BATCH:
        print(f"refnet: --batch-size must be 1 to {order_batch.MAX_BATCH}", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"refnet: {args.file}: no such file", file=sys.stderr)
        return 2
    items = [item_of(row, number) for number, row in enumerate(read_rows(args.file, NAMES), start=1)]
    rn = open_engine(args)
    failed = 0
    try:
        for start in range(0, len(items), args.batch_size):
            outcomes = order_batch.record_many(rn, items[start:start + args.batch_size])
            for number, outcome in enumerate(outcomes, start=start + 1):
                if outcome.error is not None:
                    failed += 1
                    print(f"{number}: {outcome.error.code}: {outcome.error.message}", flush=True)
            print(f"{start + len(outcomes)}/{len(items)} orders done, {failed} refused", flush=True)
    finally:
        rn.store.close()
    print(f"{len(items) - failed} recorded, {failed} refused", flush=True)
    return 1 if failed else 0
