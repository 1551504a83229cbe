"""Orders (rules §1, §3): recording one books its whole allocation in one guarded statement.

Reads: `order_context` (version, an existing order with that id, buyer, sponsor, referrer) and
`order_see_point_path` (the placement upline with the rule's holders, one query). The pure
`graph.plans.linkage.allocation.allocate` decides; `order_record` writes the order, its entries, the member
counters, statuses and pools — all or nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from graph.core.errors import BadInput, Conflict, NotFound
from graph.core.money import CENT, fmt_money, from_cents, to_cents
from graph.core.plan import Plan, load_plan
from graph.ledger.entries import EntryRecord, entries_of_orders, entry_rows, member_deltas
from graph.network.members import check_member_id
from graph.plans.differential import close as differential_close
from graph.plans.linkage import order_effects
from graph.plans.linkage.allocation import Allocation, Ancestor, Holder, OrderView, allocate
from graph.service import Refnet
from graph.store.store import Conflicted, Row, record_from_row

log = logging.getLogger("refnet.orders")

DEFAULT_PLAN = "linkage-3plus1"


@dataclass(frozen=True)
class OrderRecord:
    id: str
    buyer_id: str
    amount: Decimal
    referrer_id: str | None
    at: int  # epoch ms, UTC
    period: str  # 'YYYY-MM' of `at`
    plan_version: str | None
    refunded: Decimal = field(default=Decimal("0.00"), compare=False)  # refunds so far (issue 8)

    @classmethod
    def from_row(cls, row: Row) -> "OrderRecord":
        return record_from_row(cls, row, money=("amount", "refunded"))


def plan_of(rn: Refnet) -> Plan:
    """The engine's plan; an engine started without one runs the default plan (like the CLI)."""
    if rn.plan is None:
        from graph.core.plan_versions import register

        rn.plan = load_plan(DEFAULT_PLAN)
        register(rn.store, rn.plan, rn.clock())
    plan: Plan = rn.plan
    return plan


def period_of(at_ms: int) -> str:
    return datetime.fromtimestamp(at_ms / 1000, tz=timezone.utc).strftime("%Y-%m")


def holder_of(row: Row) -> Holder:
    return Holder(row["id"], row["packages"], row["agent_referrals"], from_cents(row["quota"]),
                  from_cents(row["quota_used"]))


def record_order(
    rn: Refnet,
    order_id: str,
    buyer_id: str,
    amount: Decimal,
    referrer_id: str | None = None,
    at: int | None = None,
) -> OrderRecord:
    """Records an order and books its allocation; idempotent on `order_id`: the same content
    again returns the stored order, other content is a Conflict. Raises before any write."""
    check_member_id(order_id, "id")
    check_member_id(buyer_id, "buyerId")
    if referrer_id is not None:
        check_member_id(referrer_id, "referrerId")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(CENT):
        raise BadInput(f"amount: {amount!r} is not an amount in cents")
    if at is not None and at < 0:
        raise BadInput("at: must not be before 1970")
    plan = plan_of(rn)

    def attempt() -> tuple[OrderRecord, bool]:
        context = rn.store.run("order_context", {"id": order_id, "buyer_id": buyer_id, "referrer_key": referrer_id or ""})[0]
        if context["existing"] is not None:
            return _same_order(OrderRecord.from_row(context["existing"]), buyer_id, amount, referrer_id, at), False
        if context["buyer"] is None:
            raise NotFound(f"buyerId: no member with id {buyer_id!r}")
        if referrer_id is not None and not context["referrer_found"]:
            raise NotFound(f"referrerId: no member with id {referrer_id!r}")
        if amount <= 0:
            raise BadInput(f"amount: must be positive, got {fmt_money(amount)}")
        if plan.packages and plan.package(amount) is None:
            prices = ", ".join(fmt_money(p.price) for p in plan.packages)
            raise BadInput(f"amount: {fmt_money(amount)} is not a package price of plan {plan.name} ({prices})")
        when = at if at is not None else rn.clock()
        record = OrderRecord(order_id, buyer_id, amount, referrer_id, when, period_of(when), plan.version)
        if plan.has("differential"):  # booked when its month is closed (rules §9)
            if not differential_close.record_order(rn, context["version"], order_id, buyer_id, amount,
                                                   referrer_id, when, record.period, plan.version):
                raise Conflicted()
            return record, True
        view = OrderView(
            order_id=order_id,
            amount=amount,
            buyer=holder_of(context["buyer"]),
            sponsor=holder_of(context["sponsor"]) if context["sponsor"] is not None else None,
            upline=tuple(
                Ancestor(holder_of(row["holder"]), row["from_slot"], row["r"] or 0,
                         holder_of(row["sponsor"]) if row["sponsor"] is not None else None, row["via"])
                for row in rn.store.run("order_see_point_path", {"id": buyer_id})
            ),
        )
        allocation = allocate(view, plan)
        entries = entry_rows(allocation.bookings, source=f"order:{order_id}", at=when, order_id=order_id,
                             period=record.period, plan_version=plan.version)
        rows = rn.store.run("order_record", {
            "version": context["version"], "id": order_id, "buyer_id": buyer_id, "amount": to_cents(amount),
            "referrer_id": referrer_id, "referrer_key": referrer_id or "", "at": when, "period": record.period, "plan_version": plan.version,
            "members": member_updates(view, allocation),
            "pools": [{"name": name, "amount": to_cents(value)} for name, value in sorted(allocation.pools.items())],
            "entries": entries,
        })
        if not rows or rows[0]["entries"] != len(entries):
            raise Conflicted()
        return record, True

    record, booked = rn.guard(attempt)
    if booked:
        log.info("order %s of %s for %s booked", order_id, buyer_id, fmt_money(amount))
    order_effects.apply(rn, record.id)  # points, team counters, funds (rules §5–§8); idempotent
    return record


def _same_order(stored: OrderRecord, buyer_id: str, amount: Decimal, referrer_id: str | None,
                at: int | None) -> OrderRecord:
    """The stored order if the request repeats it (`at` omitted matches any time), else Conflict."""
    different = [
        name for name, same in (
            ("buyerId", stored.buyer_id == buyer_id),
            ("amount", stored.amount == amount),
            ("referrerId", stored.referrer_id == referrer_id),
            ("at", at is None or stored.at == at),
        ) if not same
    ]
    if different:
        raise Conflict(f"id: order {stored.id!r} was already recorded with a different {', '.join(different)}")
    return stored


def member_updates(view: OrderView, allocation: Allocation) -> list[dict[str, Any]]:
    """The `$members` rows of `order_record`: counter deltas (cents) and new statuses."""
    rows: dict[str, dict[str, Any]] = {}

    def row(member_id: str) -> dict[str, Any]:
        return rows.setdefault(member_id, {
            "id": member_id, "packages": 0, "quota": 0, "quota_used": 0, "agent_referrals": 0,
            "paid": 0, "frozen": 0, "burned": 0, "status": None,
        })

    buyer = row(view.buyer.member_id)
    buyer["packages"] = 1
    buyer["quota"] = to_cents(allocation.quota_added)
    if view.sponsor is not None and allocation.buyer_became_agent:
        row(view.sponsor.member_id)["agent_referrals"] = 1
    for member_id, status in allocation.statuses.items():
        row(member_id)["status"] = status
    for delta in member_deltas(allocation.bookings):
        target = row(delta["id"])
        for key in ("paid", "frozen", "burned"):
            target[key] += delta[key]
    for member_id, used in allocation.quota_used.items():
        row(member_id)["quota_used"] += to_cents(used)
    return list(rows.values())


def get_orders(rn: Refnet, ids: list[str]) -> dict[str, OrderRecord]:
    return {row["id"]: OrderRecord.from_row(row) for row in rn.store.run("orders_by_ids", {"ids": list(ids)})}


def get_order(rn: Refnet, order_id: str) -> OrderRecord | None:
    return get_orders(rn, [order_id]).get(order_id)


def entries(rn: Refnet, order_id: str) -> list[EntryRecord]:
    """The order's entries in booking order."""
    return entries_of_orders(rn, [order_id])[order_id]
