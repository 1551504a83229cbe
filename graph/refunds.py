"""Refunds (issue 8): an order's entries reversed pro rata, at the amounts that were booked.

`refund_order` books, in one guarded statement, one reversal entry per entry the order's
allocation booked (`order:<id>#n`): same rule, status, beneficiary and pool, a *negative*
amount, `reverses` = the reversed entry's id and `refund_id`. Nothing is recomputed: the
reversal is a share of the booked amount, never a new run of the rule with today's statuses.

The arithmetic is the pure `reversal_cents`: this refund is spread over what is still
unreversed of each entry, rounded toward zero, and the cents left go by largest remainder
(ties: the earlier entry). So the reversals of one refund sum exactly to −refunded, no entry is
ever reversed beyond what was booked, no reversal is ever positive, and refunding the rest of
an order reverses every entry exactly to zero — however many partial refunds came before.

Counters move with the reversals (`graph.ledger.member_deltas`): `paid`, `frozen`, `burned`;
a reversed PAID linkage reward lowers `quota_used` (the quota comes back). A reversed BURNED
entry lowers `burned` but pays nothing: burned money goes back to the buyer with the refund,
never to the member. `available` = paid − withdrawn may become negative (money already
withdrawn); later earnings pay that off first. POOLED reversals lower the pool's balance.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from graph.errors import BadInput, Conflict, NotFound
from graph.ledger import Booking, entry_rows, member_deltas
from graph.linkage import LINKAGE_SHARES
from graph.members import check_member_id
from graph.money import CENT, fmt_money, from_cents, to_cents
from graph.service import Refnet
from graph.store import Conflicted, Row

log = logging.getLogger("refnet.refunds")

# rules whose PAID entries consumed the beneficiary's income quota (rules §3, §6)
QUOTA_RULES = frozenset(LINKAGE_SHARES)
REASON_MAX = 500


def reversal_cents(booked: list[int], reversed_before: list[int], refund: int) -> list[int]:
    """Cents to reverse now from each entry (each ≤ 0), summing exactly to −`refund`.

    `booked[i]` is entry i's booked amount (> 0, entries in booking order), `reversed_before[i]`
    what earlier refunds reversed of it (≤ 0). `refund` is spread over what is left of each
    entry: floor(left_i × refund / left_total), then the remaining cents one each by largest
    remainder, ties to the earlier entry. Needs 0 < refund ≤ left_total."""
    left = [b + r for b, r in zip(booked, reversed_before, strict=True)]
    total = sum(left)
    if not 0 < refund <= total:
        raise ValueError(f"refund {refund} outside (0, {total}]")
    if any(value < 0 for value in left):
        raise ValueError("an entry is reversed beyond its booked amount")
    shares = [value * refund // total for value in left]
    remainders = [value * refund % total for value in left]
    short = refund - sum(shares)
    ranked = sorted(range(len(left)), key=lambda i: (-remainders[i], i))
    for i in ranked[:short]:
        shares[i] += 1  # remainder > 0 here, so share < left: never beyond what is left
    return [-value for value in shares]


@dataclass(frozen=True)
class BookedEntry:
    """An entry of an order's allocation as the refund sees it."""

    id: str
    seq: int
    rule: str
    status: str
    amount: int  # cents, > 0
    beneficiary_id: str | None
    pool: str | None
    plan_version: str | None
    reversed: int  # cents already reversed (≤ 0)


@dataclass(frozen=True)
class RefundRecord:
    id: str
    order_id: str
    amount: Decimal
    reason: str
    at: int
    period: str
    plan_version: str | None

    @classmethod
    def from_row(cls, row: Row) -> "RefundRecord":
        values = {name: row.get(name) for name in cls.__dataclass_fields__}
        values["amount"] = from_cents(row["amount"])
        return cls(**values)


@dataclass
class Reversal:
    """What one refund books: entries (with their reversed ids) and the counters it moves."""

    bookings: list[Booking]
    reverses: list[str]
    plan_versions: list[str | None]
    quota_back: dict[str, int]  # member → cents of quota given back
    pools: dict[str, int]  # pool → cents (negative)


def reverse(entries: list[BookedEntry], refund: int, refund_id: str, order_amount: int, reason: str) -> Reversal:
    """The reversal entries of refunding `refund` cents of an order (pure)."""
    entries = sorted(entries, key=lambda e: e.seq)
    cents = reversal_cents([e.amount for e in entries], [e.reversed for e in entries], refund)
    result = Reversal([], [], [], defaultdict(int), defaultdict(int))
    refunded = f"refund {refund_id} of {fmt_money(from_cents(refund))} of {fmt_money(from_cents(order_amount))}"
    for entry, value in zip(entries, cents, strict=True):
        if value == 0:
            continue
        amount = from_cents(value)
        text = (f"reversal {fmt_money(amount)} of {entry.rule} {fmt_money(from_cents(entry.amount))} "
                f"({entry.status.lower()}, entry {entry.id}): {refunded} ({reason})")
        result.bookings.append(Booking(entry.rule, entry.status, amount, text, entry.beneficiary_id, entry.pool))
        result.reverses.append(entry.id)
        result.plan_versions.append(entry.plan_version)
        if entry.status == "PAID" and entry.rule in QUOTA_RULES and entry.beneficiary_id is not None:
            result.quota_back[entry.beneficiary_id] += -value
        if entry.status == "POOLED" and entry.pool is not None:
            result.pools[entry.pool] += value
    return result


# --- the database side --------------------------------------------------------------------


def check_reason(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise BadInput("reason: must not be empty")
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise BadInput(f"reason: at most {REASON_MAX} characters")
    return reason


def refund_order(rn: Refnet, order_id: str, amount: Decimal, reason: str, refund_id: str | None = None) -> RefundRecord:
    """Refunds `amount` of order `order_id` (full or partial; refunds of one order add up to at
    most its amount). Idempotent on `refund_id`: the same refund again returns the stored one,
    other content is a Conflict. Raises before any write."""
    from graph.orders import period_of, plan_of

    check_member_id(order_id, "orderId")
    if refund_id is None:
        refund_id = secrets.token_hex(16)
    check_member_id(refund_id, "id")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(CENT):
        raise BadInput(f"amount: {amount!r} is not an amount in cents")
    if amount <= 0:
        raise BadInput(f"amount: must be positive, got {fmt_money(amount)}")
    reason = check_reason(reason)
    plan = plan_of(rn)
    cents = to_cents(amount)

    def attempt() -> tuple[RefundRecord, bool]:
        context = rn.store.run("refund_context", {"id": refund_id, "order_id": order_id})[0]
        if context["existing"] is not None:
            stored = RefundRecord.from_row(context["existing"])
            different = [name for name, same in (("orderId", stored.order_id == order_id),
                                                 ("amount", stored.amount == amount),
                                                 ("reason", stored.reason == reason)) if not same]
            if different:
                raise Conflict(f"id: refund {refund_id!r} was already booked with a different {', '.join(different)}")
            return stored, False
        order = context["order"]
        if order is None:
            raise NotFound(f"orderId: no order with id {order_id!r}")
        left = order["amount"] - order["refunded"]
        if cents > left:
            raise BadInput(f"amount: {fmt_money(amount)} is more than what is left to refund of order "
                           f"{order_id} ({fmt_money(from_cents(left))} of {fmt_money(from_cents(order['amount']))})")
        booked = booked_entries(rn.store.run("refund_entries", {"order_id": order_id}), f"order:{order_id}#")
        if sum(e.amount + e.reversed for e in booked) != left:
            raise RuntimeError(f"order {order_id}: its entries do not add up to what is left to refund")
        reversal = reverse(booked, cents, refund_id, order["amount"], reason)
        at = rn.clock()
        record = RefundRecord(refund_id, order_id, amount, reason, at, period_of(at), plan.version)
        rows = entry_rows(reversal.bookings, source=f"refund:{refund_id}", at=at, order_id=order_id,
                          period=record.period, plan_version=plan.version)
        for row, reversed_id, version in zip(rows, reversal.reverses, reversal.plan_versions, strict=True):
            row.update(reverses=reversed_id, refund_id=refund_id, plan_version=version)
        result = rn.store.run("refund_record", {
            "version": context["version"], "id": refund_id, "order_id": order_id, "amount": cents,
            "reason": reason, "at": at, "period": record.period, "plan_version": plan.version,
            "members": _member_rows(order["buyer_id"], reversal),
            "pools": [{"name": name, "amount": value} for name, value in sorted(reversal.pools.items())],
            "entries": rows,
        })
        if not result or result[0]["entries"] != len(rows):
            raise Conflicted()
        return record, True

    record, booked_now = rn.guard(attempt)
    if booked_now:
        log.info("refund %s of order %s: %s", refund_id, order_id, fmt_money(amount))
    return record


def booked_entries(rows: list[Row], prefix: str) -> list[BookedEntry]:
    """The entries whose id starts with `prefix`, each with what reversals already took of it."""
    reversed_by: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["reverses"] is not None:
            reversed_by[row["reverses"]] += row["amount"]
    fields = [name for name in BookedEntry.__dataclass_fields__ if name != "reversed"]
    return [BookedEntry(**{name: row[name] for name in fields}, reversed=reversed_by[row["id"]])
            for row in rows if row["reverses"] is None and row["id"].startswith(prefix)]


def _member_rows(buyer_id: str, reversal: Reversal) -> list[dict]:
    """Counter deltas (cents) of `refund_record`; never empty (the buyer is always in it)."""
    rows: dict[str, dict] = {buyer_id: {"id": buyer_id, "paid": 0, "frozen": 0, "burned": 0, "quota_used": 0}}
    for delta in member_deltas(reversal.bookings):
        rows.setdefault(delta["id"], {"id": delta["id"], "quota_used": 0}).update(delta)
    for member_id, back in reversal.quota_back.items():
        rows[member_id]["quota_used"] -= back
    return [{"paid": 0, "frozen": 0, "burned": 0, **row} for row in rows.values()]


def refunds_of_orders(rn: Refnet, order_ids: list[str]) -> dict[str, list[RefundRecord]]:
    """Each order's refunds, oldest first (a DataLoader batch: one query)."""
    result: dict[str, list[RefundRecord]] = {order_id: [] for order_id in order_ids}
    for row in rn.store.run("refunds_by_orders", {"ids": list(order_ids)}):
        result[row["order_id"]].append(RefundRecord.from_row(row))
    return result
