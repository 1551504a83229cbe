"""`refnet record-orders FILE`: records the orders of a CSV or JSON Lines file in batches
(issue 18), each batch booked as `recordOrders` books it (`cli.batch_file`)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from cli.batch_file import batch_arguments, book_file, read_rows, spelled
from cli.main import command
from graph.core.errors import BadInput
from graph.ledger import order_batch
from graph.ledger.order_batch import OrderItem

# The fields of GraphQL's OrderInput, as the file spells them.
FIELDS = {"id": "order_id", "buyerId": "buyer_id", "amount": "amount", "referrerId": "referrer_id", "at": "at"}
# The same fields as `refnet import`'s orders file spells them: one file serves both.
SNAKE_CASE = {"buyer_id": "buyerId", "referrer_id": "referrerId"}


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
    row = spelled(row, number, FIELDS, SNAKE_CASE)
    for name in ("id", "buyerId", "amount"):
        if row.get(name) in (None, ""):
            raise BadInput(f"record {number}: {name} is required")
    for name in ("id", "buyerId", "referrerId"):
        if row.get(name) is not None and not isinstance(row[name], str):
            raise BadInput(f"record {number}: {name} is text")
    return OrderItem(row["id"], row["buyerId"], amount_of(row["amount"], number), row.get("referrerId"),
                     at_of(row["at"], number) if row.get("at") not in (None, "") else None)


@command("record-orders", "record the orders of a CSV or JSON Lines file, in order, in batches",
         lambda parser: batch_arguments(parser, ", ".join(FIELDS) + " (or " + ", ".join(SNAKE_CASE)
                                        + "; at: ISO 8601, default now)", "orders", order_batch.MAX_BATCH))
def record_orders(args: argparse.Namespace) -> int:
    def items() -> list[OrderItem]:
        rows = read_rows(args.file, {**FIELDS, **SNAKE_CASE})
        return [item_of(row, number) for number, row in enumerate(rows, start=1)]

    return book_file(args, order_batch.MAX_BATCH, items, order_batch.record_many, lambda number, outcome: None,
                     "orders", "recorded")
