"""The core allocation of an order (rules §1) for a plan whose modules book none of their own.

The `[allocation]` shares that are booked as they are (COST, RETAINED, POOLED into a pool), the
rounding remainder RETAINED as platform profit, and the buyer's package (its quota). A module
that allocates an order itself (the linkage rewards consume quota in their own order) sets
`draft.notes[ALLOCATED]` in its `on_order` hook, and this is skipped.
"""

from __future__ import annotations

from decimal import Decimal

from graph.core.money import fmt_money, from_cents, percent, share, to_cents
from graph.core.plan import SHARES, Plan
from graph.ledger.drafts import OrderDraft
from graph.ledger.entries import Booking, check_conservation

ALLOCATED = "allocated"  # draft note: a module booked the order's allocation
ZERO = Decimal("0.00")


def core_bookings(order_id: str, amount: Decimal, plan: Plan) -> list[Booking]:
    """The bookings of the shares every plan knows, summing exactly to `amount` (pure)."""
    bookings: list[Booking] = []
    amount_text = fmt_money(amount)
    for rule, rate in plan.allocation:
        kind = SHARES[rule]
        if kind.status is None:
            raise ValueError(f"share {rule!r} needs module {kind.module!r} to book it")
        value = share(amount, rate)
        if value <= 0:
            continue
        head = f"{rule} {percent(rate)} of {amount_text} = {fmt_money(value)}"
        if kind.status == "POOLED":
            bookings.append(Booking(rule, "POOLED", value, f"{head} into the {kind.pool} pool", pool=kind.pool))
        elif kind.status == "COST":
            bookings.append(Booking(rule, "COST", value, f"{head} product cost"))
        else:
            bookings.append(Booking(rule, "RETAINED", value, f"{head} {rule} profit"))
    rest = amount - sum((b.amount for b in bookings), ZERO)
    if rest > 0:
        bookings.append(Booking("platform", "RETAINED", rest,
                                f"rounding remainder {fmt_money(rest)} of {amount_text} retained"))
    check_conservation(bookings, amount, f"order {order_id}")
    return bookings


def book_core_allocation(draft: OrderDraft) -> None:
    amount = from_cents(draft.amount)
    plan = draft.plan
    bookings = core_bookings(draft.order_id, amount, plan)
    draft.changes.book(draft.source, bookings, at=draft.at, order_id=draft.order_id, period=draft.period,
                       plan_version=plan.version)
    for booking in bookings:
        if booking.pool is not None:
            draft.changes.pool(booking.pool)["balance"] += to_cents(booking.amount)
    buyer = draft.changes.member(draft.buyer_id)
    buyer["packages"] += 1
    package = plan.package(amount)
    if package is not None:
        buyer["quota"] += to_cents(package.quota)
