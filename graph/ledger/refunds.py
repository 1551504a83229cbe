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
The points the order issued are taken back pro rata (`take_back_points`).

Closed periods never change: the reversals are booked in the next open period, and pool shares
a month close already paid out (the order's level walk, the month's dividend and shareholder
splits) are reversed there too, pro rata over what each member got (`_reverse_split`). A
differential order's entries are booked by its month's close; before it there is nothing to
reverse (the close books the net amount). Details and decisions: docs/refunds.md.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.core.errors import BadInput, Conflict, NotFound
from graph.core.money import CENT, fmt_money, from_cents, to_cents
from graph.core.plan import Plan
from graph.ledger.entries import Booking, entry_rows, member_deltas
from graph.network.members import check_member_id
from graph.plans.linkage.allocation import LINKAGE_SHARES
from graph.service import Refnet
from graph.store.store import Conflicted, Row, record_from_row

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
        return record_from_row(cls, row, money=("amount",))


@dataclass
class Reversal:
    """What one refund books: entries (with their reversed ids) and the counters it moves."""

    bookings: list[Booking]
    reverses: list[str]
    plan_versions: list[str | None]
    quota_back: dict[str, int]  # member → cents of quota given back
    pools: dict[str, int]  # pool → cents (negative)


def reversal_target(entries_left: int, refund: int, order_left: int) -> int:
    """Cents to reverse of an order's entries for a refund of `refund` of the `order_left`
    cents still unrefunded: the same share of what is left of its entries, rounded down; all of
    it when the refund takes the rest. For a linkage order the entries are the whole amount
    (entries_left = order_left), so this is the refund itself; a differential order's entries
    are its bonus budget only."""
    if refund >= order_left:
        return entries_left
    return entries_left * refund // order_left


def reverse(entries: list[BookedEntry], refund: int, refund_id: str, order_amount: int, reason: str,
            target: int | None = None) -> Reversal:
    """The reversal entries of refunding `refund` cents of an order: `target` cents (default:
    `refund`) spread over what is left of its entries (pure)."""
    entries = sorted(entries, key=lambda e: e.seq)
    result = Reversal([], [], [], defaultdict(int), defaultdict(int))
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
        if entry.status == "PAID" and entry.rule in QUOTA_RULES and entry.beneficiary_id is not None:
            result.quota_back[entry.beneficiary_id] += -value
        if entry.status == "POOLED" and entry.pool is not None:
            result.pools[entry.pool] += value
    return result


def reverse_closed(split: list[BookedEntry], target: int, refund_id: str, order_id: str, closed: str,
                   reason: str) -> Reversal:
    """The reversal of `target` cents of a closed period's split (a pool share of the order
    already paid out by a month close), spread over what is left of its entries (pure)."""
    split = sorted(split, key=lambda e: e.id)
    result = Reversal([], [], [], defaultdict(int), defaultdict(int))
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


def next_open_period(month: str, done: set[str]) -> str:
    """`month` ('YYYY-MM') or the first month after it that no period close has finished."""
    year, number = int(month[:4]), int(month[5:7])
    while f"{year:04d}-{number:02d}" in done:
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return f"{year:04d}-{number:02d}"


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
    from graph.ledger.orders import period_of, plan_of

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
        prefix = allocation_prefix(order)
        booked = booked_entries(rn.store.run("refund_entries", {"order_id": order_id}), prefix) if prefix else []
        booked_left = sum(e.amount + e.reversed for e in booked)
        if order.get("settle") is None and booked_left != left:
            raise RuntimeError(f"order {order_id}: its entries do not add up to what is left to refund")
        reversal = reverse(booked, cents, refund_id, order["amount"], reason, reversal_target(booked_left, cents, left))
        at = rn.clock()
        done = {row["period"] for row in rn.store.run("period_runs_done")}
        period = next_open_period(period_of(at), done)
        record = RefundRecord(refund_id, order_id, amount, reason, at, period, plan.version)
        rows = entry_rows(reversal.bookings, source=f"refund:{refund_id}", at=at, order_id=order_id,
                          period=period, plan_version=plan.version)
        for row, reversed_id, version in zip(rows, reversal.reverses, reversal.plan_versions, strict=True):
            row.update(reverses=reversed_id, refund_id=refund_id, plan_version=version)
        pools = dict(reversal.pools)
        carry = None
        for split_source, pool in closed_splits(order):
            closed, target, carry_now = _reverse_split(rn, split_source, pool, -reversal.pools.get(pool, 0),
                                                       cents >= left, refund_id, order_id, reason)
            carry = carry_now or carry
            more = entry_rows(closed.bookings, source=f"refund:{refund_id}", at=at, period=period)
            for offset, (row, reversed_id, version) in enumerate(zip(more, closed.reverses, closed.plan_versions)):
                row.update(id=f"refund:{refund_id}#{len(rows) + offset}", seq=len(rows) + offset,
                           reverses=reversed_id, refund_id=refund_id, plan_version=version)
            rows.extend(more)
            reversal.bookings.extend(closed.bookings)
            pools[pool] = pools.get(pool, 0) + target  # the pay-out is undone: its money is the pool's again
        points = take_back_points(rn, plan, order, cents, -reversal.pools.get("points", 0))
        members = _member_rows(order["buyer_id"], reversal, points)
        if plan.has("level") and rn.store.run("refund_points", {"id": order_id})[0]["effects"]:
            _lower_team_sales(rn, order["buyer_id"], cents, members)
        result = rn.store.run("refund_record", {
            "version": context["version"], "id": refund_id, "order_id": order_id, "amount": cents,
            "reason": reason, "at": at, "period": record.period, "plan_version": plan.version,
            "members": members,
            "holding": points.holding if points else None,
            "market": points.market if points else None,
            "pools": [{"name": name, "amount": value} for name, value in sorted(pools.items()) if value],
            "carry": carry,
            "entries": rows,
        })
        if not result or result[0]["entries"] != len(rows):
            raise Conflicted()
        if not rows and rn.store.run("refund_context", {"id": refund_id, "order_id": order_id})[0]["existing"] is None:
            raise Conflicted()  # nothing to reverse (an order its month's close has not booked yet): check the write
        return record, True

    record, booked_now = rn.guard(attempt)
    if booked_now:
        log.info("refund %s of order %s: %s", refund_id, order_id, fmt_money(amount))
    return record


def points_back(issued: int, amount: int, refunded_before: int, refund: int) -> int:
    """Points (ten-thousandths) a refund takes back: the refunded share of what the order
    issued, rounded down cumulatively, so that refunding the whole order takes back exactly
    everything it issued however many parts came before."""
    return issued * (refunded_before + refund) // amount - issued * refunded_before // amount


@dataclass(frozen=True)
class PointsBack:
    units: int  # taken from the buyer's points (the balance may go negative: points already sold)
    holding: dict[str, Any]  # the order's holding afterwards (units, active, cap_key)
    market: dict[str, Any]  # the points market afterwards: F delta, N, last price


def take_back_points(rn: Refnet, plan: Plan, order: Row, refund: int, pooled: int) -> PointsBack | None:
    """The points the order issued, taken back pro rata (rules §5, issue 8): from the order's
    holding as far as it still holds them; what was already sold is a shortfall that leaves
    the buyer's points balance negative. The market loses the refunded contribution (F) and
    the points taken from the holding (N)."""
    if plan is None or not plan.has("points"):
        return None
    from fractions import Fraction

    from graph.plans.linkage.points import Holding, Market, config_of
    from graph.plans.linkage.points_store import holding_row

    state = rn.store.run("refund_points", {"id": order["id"]})[0]
    holding = state["holding"]
    if not state["effects"] or holding is None:
        return None
    issued = holding["issued"] if holding["issued"] is not None else holding["units"]
    units = points_back(issued, order["amount"], order["refunded"], refund)
    taken = min(units, holding["units"])
    left = holding["units"] - taken
    stored = Holding(holding["id"], holding["member_id"], holding["order_id"], holding["amount"], left,
                     holding["sold"], holding["seq"], bool(holding["active"]) and left > 0)
    last = Fraction(state["last_num"], state["last_den"]) if state["last_num"] is not None else Fraction(1)
    market = Market(state["market"] - pooled, state["units"] - taken, last)
    price = market.price if market.units > 0 else last
    row = holding_row(stored, config_of(plan))
    return PointsBack(units, {"id": row["id"], "units": row["units"], "active": row["active"], "cap_key": row["cap_key"]},
                      {"market": -pooled, "units": market.units, "last_num": price.numerator, "last_den": price.denominator})


def allocation_prefix(order: Row) -> str | None:
    """Ids of the entries that booked the order itself: at recording (`order:<id>#n`), or for a
    differential order at its month's close (`period:<month>:order:<id>#n`; none before)."""
    if order.get("settle") == "differential":
        closed = order.get("closed_in")
        return f"period:{closed}:order:{order['id']}#" if closed else None
    return f"order:{order['id']}#"


def _reverse_split(rn: Refnet, source: str, pool: str, pooled: int, last: bool, refund_id: str, order_id: str,
                   reason: str) -> tuple[Reversal, int, dict[str, Any] | None]:
    """The reversal of a closed period's split of `pool` that paid out the order's share:
    `pooled` cents (what the refund takes out of the pool) as far as the split still holds
    them. A dividend split paid only part of the pool out and carried the rest over (identities
    without holder): that part comes out of the carry-over. Returns (reversal, cents reversed,
    the dividend pool's new carry-over or None)."""
    split = read_split(rn, source)
    split_left = sum(e.amount + e.reversed for e in split)
    target = min(pooled, split_left)
    carry = None
    if pool == "dividend":
        carried = sum(rn.store.run("pool_state", {"name": "dividend"})[0]["carry_amounts"])
        if not last and split_left + carried > 0:
            target = min(target, pooled * split_left // (split_left + carried))
        carry = carry_after(rn, pooled - target)
    return reverse_closed(split, target, refund_id, order_id, source.split(":")[1], reason), target, carry


def closed_splits(order: Row) -> list[tuple[str, str]]:
    """(source, pool) of the period-close splits that already paid out the order's pool shares:
    its own level walk (rules §7) and the month's dividend and shareholder splits (§6, §8)."""
    splits = []
    if order.get("level_closed"):
        splits.append((f"period:{order['level_closed']}:level:{order['id']}", "level"))
    if order.get("pools_closed"):
        splits.append((f"period:{order['pools_closed']}:dividend", "dividend"))
        splits.append((f"period:{order['pools_closed']}:shareholder", "shareholder"))
    return splits


def carry_after(rn: Refnet, uncovered: int) -> dict[str, Any] | None:
    """The dividend pool's carry-over after taking `uncovered` cents out of it: the part of a
    refunded order's dividend share that a closed month carried over (an identity without
    holder) instead of paying out. Spread over the identities' carries like a reversal."""
    if uncovered <= 0:
        return None
    state = rn.store.run("pool_state", {"name": "dividend"})[0]
    amounts = list(state["carry_amounts"])
    take = min(uncovered, sum(amounts))
    if take <= 0:
        return None
    taken = reversal_cents(amounts, [0] * len(amounts), take)
    return {"name": "dividend", "names": list(state["carry_names"]),
            "amounts": [a + t for a, t in zip(amounts, taken)]}


SPLIT_BATCH = 1000


def read_split(rn: Refnet, source: str) -> list[BookedEntry]:
    """The entries `<source>#0`, `#1`, … of a closed period's split, with what was reversed of each."""
    found: list[BookedEntry] = []
    start = 0
    while True:
        ids = [f"{source}#{n}" for n in range(start, start + SPLIT_BATCH)]
        rows = rn.store.run("refund_closed_entries", {"ids": ids})
        fields = [name for name in BookedEntry.__dataclass_fields__]
        # FalkorDB's sum() answers a float: cents are whole numbers
        found.extend(BookedEntry(**{name: row[name] for name in fields} | {"reversed": int(row["reversed"])})
                     for row in rows)
        if len(rows) < SPLIT_BATCH:
            return found
        start += SPLIT_BATCH


def booked_entries(rows: list[Row], prefix: str) -> list[BookedEntry]:
    """The entries whose id starts with `prefix`, each with what reversals already took of it."""
    reversed_by: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["reverses"] is not None:
            reversed_by[row["reverses"]] += row["amount"]
    fields = [name for name in BookedEntry.__dataclass_fields__ if name != "reversed"]
    return [BookedEntry(**{name: row[name] for name in fields}, reversed=reversed_by[row["id"]])
            for row in rows if row["reverses"] is None and row["id"].startswith(prefix)]


def _member_rows(buyer_id: str, reversal: Reversal, points: "PointsBack | None" = None) -> list[dict[str, Any]]:
    """Counter deltas (cents, points in ten-thousandths) of `refund_record`; never empty (the
    buyer is always in it)."""
    rows: dict[str, dict[str, Any]] = {buyer_id: {"id": buyer_id, "paid": 0, "frozen": 0, "burned": 0, "quota_used": 0}}
    if points is not None:
        rows[buyer_id]["points"] = -points.units
    for delta in member_deltas(reversal.bookings):
        rows.setdefault(delta["id"], {"id": delta["id"], "quota_used": 0}).update(delta)
    for member_id, back in reversal.quota_back.items():
        rows[member_id]["quota_used"] -= back
    return [{"paid": 0, "frozen": 0, "burned": 0, "points": 0, "team_sales": 0, **row} for row in rows.values()]


def _lower_team_sales(rn: Refnet, buyer_id: str, cents: int, members: list[dict[str, Any]]) -> None:
    """A refunded sale is no sale: the sponsor upline's all-time downline sales (the level
    thresholds of rules §7) fall by the refunded amount, as the order raised them."""
    rows = {row["id"]: row for row in members}
    for up in rn.store.run("upline_sponsor", {"id": buyer_id, "max_depth": 100_000}):
        row = rows.get(up["id"])
        if row is None:
            row = {"id": up["id"], "paid": 0, "frozen": 0, "burned": 0, "quota_used": 0, "points": 0, "team_sales": 0}
            rows[up["id"]] = row
            members.append(row)
        row["team_sales"] -= cents


def refunds_of_orders(rn: Refnet, order_ids: list[str]) -> dict[str, list[RefundRecord]]:
    """Each order's refunds, oldest first (a DataLoader batch: one query)."""
    result: dict[str, list[RefundRecord]] = {order_id: [] for order_id in order_ids}
    for row in rn.store.run("refunds_by_orders", {"ids": list(order_ids)}):
        result[row["order_id"]].append(RefundRecord.from_row(row))
    return result
