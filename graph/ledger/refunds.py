"""Refunds (issue 8): an order's entries reversed pro rata, at the amounts that were booked.

`refund_order` books, in one guarded statement, one reversal entry per entry that booked the
order (`order:<id>#n` unless a plan module's `allocation_sources` says otherwise): same rule,
status, beneficiary and pool, a *negative* amount, `reverses` = the reversed entry's id and
`refund_id`. Nothing is recomputed: the reversal is a share of the booked amount, never a new
run of the rule with today's statuses.

The arithmetic is the pure `reversal_cents`: this refund is spread over what is still
unreversed of each entry, rounded toward zero, and the cents left go by largest remainder
(ties: the earlier entry). So the reversals of one refund sum exactly to −refunded, no entry is
ever reversed beyond what was booked, no reversal is ever positive, and refunding the rest of
an order reverses every entry exactly to zero — however many partial refunds came before.

Counters move with the reversals (`graph.ledger.entries.member_deltas`): `paid`, `frozen`,
`burned`. A reversed BURNED entry lowers `burned` but pays nothing: burned money goes back to
the buyer with the refund, never to the member. `available` = paid − withdrawn may become
negative (money already withdrawn); later earnings pay that off first. POOLED reversals lower
the pool's balance. What else a plan takes back (quota, points, pool shares a closed period
paid out) its modules add in their `on_refund` hook, to the same statement.

Closed periods never change: the reversals are booked in the next open period. Details and
decisions: docs/refunds.md.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.errors import BadInput, Conflict, DomainError, NotFound
from graph.core.money import CENT, fmt_money, from_cents, to_cents
from graph.core.periods import first_open, mark_late
from graph.core.plugin import plugins
from graph.ledger.drafts import RefundDraft
from graph.ledger.entries import Booking, member_deltas
from graph.ledger.entry_ids import EntrySource
from graph.ledger.history import (
    History,
    consistent,
    history,
    order_entries,
    refund_by_id,
    refunds_of,
    reversed_of,
    split_entries,
)
from graph.ledger.period_close import closed_periods
from graph.network.members import check_member_id
from graph.store.store import Conflicted, Row, record_from_row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.refunds")

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
        return record_from_row(cls, row, money=("amount",))


@dataclass
class Reversal:
    """What one refund books: entries (with their reversed ids) and the counters it moves."""

    bookings: list[Booking]
    reverses: list[str]
    plan_versions: list[str | None]
    pools: dict[str, int]  # pool → cents (negative)


def reversal_target(entries_left: int, refund: int, order_left: int) -> int:
    """Cents to reverse of an order's entries for a refund of `refund` of the `order_left`
    cents still unrefunded: the same share of what is left of its entries, rounded down; all of
    it when the refund takes the rest. When the entries booked the whole amount (entries_left =
    order_left) this is the refund itself; when they booked a part (a bonus budget), that part."""
    if refund >= order_left:
        return entries_left
    return entries_left * refund // order_left


def reverse(entries: list[BookedEntry], refund: int, refund_id: str, order_amount: int, reason: str,
            target: int | None = None) -> Reversal:
    """The reversal entries of refunding `refund` cents of an order: `target` cents (default:
    `refund`) spread over what is left of its entries (pure)."""
    entries = sorted(entries, key=lambda e: e.seq)
    result = Reversal([], [], [], defaultdict(int))
    target = refund if target is None else target
    if target <= 0 or not entries:
        return result
    cents = reversal_cents([e.amount for e in entries], [e.reversed for e in entries], target)
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
        if entry.status == "POOLED" and entry.pool is not None:
            result.pools[entry.pool] += value
    return result


def reverse_closed(split: list[BookedEntry], target: int, refund_id: str, order_id: str, closed: str,
                   reason: str) -> Reversal:
    """The reversal of `target` cents of a closed period's split (a pool share of the order
    already paid out by a month close), spread over what is left of its entries (pure)."""
    split = sorted(split, key=lambda e: e.id)
    result = Reversal([], [], [], defaultdict(int))
    if target <= 0 or not split:
        return result
    cents = reversal_cents([e.amount for e in split], [e.reversed for e in split], target)
    for entry, value in zip(split, cents, strict=True):
        if value == 0:
            continue
        amount = from_cents(value)
        text = (f"reversal {fmt_money(amount)} of {entry.rule} {fmt_money(from_cents(entry.amount))} "
                f"({entry.status.lower()}, entry {entry.id} of closed period {closed}): refund {refund_id} "
                f"of order {order_id} ({reason})")
        result.bookings.append(Booking(entry.rule, entry.status, amount, text, entry.beneficiary_id, entry.pool))
        result.reverses.append(entry.id)
        result.plan_versions.append(entry.plan_version)
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
    from graph.ledger.orders import archived_orders, period_of, plan_of

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
        existing = context["existing"] or refund_by_id(history(rn), refund_id)  # the graph's, else the archive's
        if existing is not None:
            stored = RefundRecord.from_row(existing)
            different = [name for name, same in (("orderId", stored.order_id == order_id),
                                                 ("amount", stored.amount == amount),
                                                 ("reason", stored.reason == reason)) if not same]
            if different:
                raise Conflict(f"id: refund {refund_id!r} was already booked with a different {', '.join(different)}")
            return stored, False
        order = context["order"]
        if order is None:  # moved to the archive?
            order = archived_orders(rn, [order_id], refunded=True).get(order_id)
        if order is None:
            raise NotFound(f"orderId: no order with id {order_id!r}")
        left = order["amount"] - order["refunded"]
        if cents > left:
            raise BadInput(f"amount: {fmt_money(amount)} is more than what is left to refund of order "
                           f"{order_id} ({fmt_money(from_cents(left))} of {fmt_money(from_cents(order['amount']))})")
        sources = next((found for module in plugins(plan) if (found := module.allocation_sources(order)) is not None),
                       None)
        whole = sources is None  # the default: the order's allocation booked its whole amount
        prefixes = [source.prefix for source in sources] if sources is not None else [EntrySource.order(order_id).prefix]
        booked = booked_entries(order_rows(rn, order_id), prefixes) if prefixes else []
        booked_left = sum(e.amount + e.reversed for e in booked)
        if whole and booked_left != left:
            raise Conflicted()  # another engine's refund landed between the two reads: read again
        reversal = reverse(booked, cents, refund_id, order["amount"], reason, reversal_target(booked_left, cents, left))
        at = rn.clock()
        closed_now = closed_periods(rn)
        period = first_open(period_of(at), closed_now)
        record = RefundRecord(refund_id, order_id, amount, reason, at, period, plan.version)
        draft = RefundDraft(refund_id, order, cents, left, reason, at, period, plan, list(reversal.bookings),
                            dict(reversal.pools))
        book_reversal(draft, reversal, order_id=order_id)
        draft.changes.member(order["buyer_id"])
        for module in plugins(plan):
            module.on_refund(rn, draft)
        rows = draft.changes.entries
        belongs_to = order.get("closed_in") or order["period"]
        if belongs_to in closed_now and belongs_to != period:  # the order's period is closed: say so
            mark_late(rows, belongs_to, period)
        result = rn.store.run("refund_record", {
            "version": context["version"], "id": refund_id, "order_id": order_id, "amount": cents,
            "reason": reason, "at": at, "period": record.period, "plan_version": plan.version,
            **draft.changes.params(),
        })
        if not result or result[0]["entries"] != len(rows):
            raise Conflicted()
        if rn.working_set is not None:  # the writer's in-process state moves with it (graph.working_set)
            rn.working_set.fold_changes(draft.changes, context["version"], context["version"] + 1)
        return record, True

    record, booked_now = rn.guard(attempt)
    if booked_now:
        log.info("refund %s of order %s: %s", refund_id, order_id, fmt_money(amount))
    return record


SPLIT_BATCH = 1000


def order_rows(rn: Refnet, order_id: str) -> list[Row]:
    """Every entry of the order, hot and archived (its allocation and earlier reversals)."""
    def read(h: History) -> list[Row]:
        return [*rn.store.run("refund_entries", {"order_id": order_id, "archived": h.removing}),
                *order_entries(h, [order_id])]

    return consistent(rn, read)


def read_split(rn: Refnet, source: str) -> list[BookedEntry]:
    """The entries `<source>#0`, `#1`, … of a closed period's split, with what was reversed of
    each: the split's entries hot or archived, their reversals hot and archived."""
    return consistent(rn, lambda h: _read_split(rn, source, h))


def _read_split(rn: Refnet, source: str, h: History) -> list[BookedEntry]:
    fields = [name for name in BookedEntry.__dataclass_fields__]
    found: list[BookedEntry] = []
    start = 0
    while True:
        ids = [f"{source}#{n}" for n in range(start, start + SPLIT_BATCH)]
        rows = rn.store.run("refund_closed_entries", {"ids": ids, "archived": h.removing})
        # FalkorDB's sum() answers a float: cents are whole numbers
        found.extend(BookedEntry(**{name: row[name] for name in fields} | {"reversed": int(row["reversed"])})
                     for row in rows)
        if len(rows) < SPLIT_BATCH:
            break
        start += SPLIT_BATCH
    if not h:
        return found
    archived = [BookedEntry(**{name: row[name] for name in fields}) for row in split_entries(h, source)]
    ids = [entry.id for entry in archived]
    more = {row["id"]: int(row["reversed"]) for row in
            rn.store.run("reversed_sums", {"ids": ids, "archived": h.removing})} if ids else {}
    archived_reversals = reversed_of(h, [entry.id for entry in found])
    found = [replace(entry, reversed=entry.reversed + archived_reversals.get(entry.id, 0)) for entry in found]
    found.extend(replace(entry, reversed=entry.reversed + more.get(entry.id, 0)) for entry in archived)
    return sorted(found, key=lambda entry: entry.id)


def book_reversal(draft: RefundDraft, reversal: Reversal, order_id: str | None = None) -> None:
    """Adds `reversal`'s entries (continuing the refund's entry ids), the member counters and
    the pools they move to the refund's statement."""
    draft.changes.book(EntrySource.refund(draft.refund_id), reversal.bookings, at=draft.at, order_id=order_id,
                       period=draft.period, extra=[{"reverses": reversed_id, "refund_id": draft.refund_id,
                                                    "plan_version": version}
                                                   for reversed_id, version in zip(reversal.reverses,
                                                                                   reversal.plan_versions,
                                                                                   strict=True)])
    for delta in member_deltas(reversal.bookings):
        target = draft.changes.member(delta["id"])
        for key in ("paid", "frozen", "burned"):
            target[key] += delta[key]
    for pool, cents in reversal.pools.items():
        if cents:
            draft.changes.pool(pool)["balance"] += cents


def booked_entries(rows: list[Row], prefixes: list[str]) -> list[BookedEntry]:
    """The entries whose id starts with one of `prefixes`, each with what reversals already took of it."""
    reversed_by: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["reverses"] is not None:
            reversed_by[row["reverses"]] += row["amount"]
    fields = [name for name in BookedEntry.__dataclass_fields__ if name != "reversed"]
    return [BookedEntry(**{name: row[name] for name in fields}, reversed=reversed_by[row["id"]])
            for row in rows if row["reverses"] is None and row["id"].startswith(tuple(prefixes))]


def refunds_of_orders(rn: Refnet, order_ids: list[str]) -> dict[str, list[RefundRecord]]:
    """Each order's refunds, in the graph and archived, oldest first (a DataLoader batch: one
    query each side; a refund being moved is on both sides and counted once)."""
    result: dict[str, list[RefundRecord]] = {order_id: [] for order_id in order_ids}
    hot = rn.store.run("refunds_by_orders", {"ids": list(order_ids)})  # first: a move recorded since is seen below
    rows = {row["id"]: row for row in refunds_of(history(rn), list(order_ids))}
    rows.update({row["id"]: row for row in hot})
    for row in sorted(rows.values(), key=lambda row: (row["at"], row["id"])):
        result[row["order_id"]].append(RefundRecord.from_row(row))
    return result


# --- through the engine's one writer (graph.group_commit) -------------------------------------

MAX_QUEUED = 100  # refunds the writer books in one turn (each its own statement)


@dataclass(frozen=True)
class RefundItem:
    """One `refund_order` call queued for the writer."""

    order_id: str
    amount: Decimal
    reason: str
    refund_id: str | None = None


@dataclass(frozen=True)
class RefundOutcome:
    """A queued refund's own outcome: the refund, or the coded error that refused it alone."""

    refund: RefundRecord | None = None
    error: DomainError | None = None


def refund_alone(rn: Refnet, item: RefundItem) -> RefundOutcome:
    try:
        return RefundOutcome(refund=refund_order(rn, item.order_id, item.amount, item.reason, item.refund_id))
    except DomainError as error:
        return RefundOutcome(error=error)


def refund_queued(rn: Refnet, items: list[RefundItem]) -> list[RefundOutcome]:
    """Queued refunds in queue order, each by `refund_order` (one guarded statement each: a
    refund reads what the ones before it booked, so they are not merged into one statement)."""
    return [refund_alone(rn, item) for item in items]
