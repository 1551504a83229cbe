"""Orders (rules §1): recording one books everything it changes in one guarded statement.

Reads `order_context` (version, an existing order with that id, buyer, sponsor, referrer); then
each module of the running plan contributes its part to an `OrderDraft` (`graph.core.plugin`: the
allocation and its rewards, points, team counters, flags a period close looks for); a plan
whose modules book no allocation gets the core one (`graph.ledger.allocation`). `order_record`
writes the order and all of it — all or nothing.

Earlier versions wrote an order in two statements (allocation, then effects); an order a crash
left between them is finished by `finish_half_done` (at start and before a period close) or by
recording it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput, Conflict, NotFound
from graph.core.money import CENT, fmt_money, to_cents
from graph.core.periods import check_date, mark_late
from graph.core.plan import DEFAULT_PLAN, Plan, load_plan
from graph.core.plugin import plugins
from graph.ledger.allocation import ALLOCATED, book_core_allocation
from graph.ledger.drafts import OrderDraft
from graph.ledger.entries import EntryRecord, entries_of_orders
from graph.ledger.history import History, archived_refunded, consistent, history, orders_by_ids, own_orders
from graph.ledger.period_close import booking_period
from graph.network.members import check_member_id
from graph.store.store import Conflicted, Row, record_from_row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.orders")

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


def check_order(rn: Refnet, order_id: str, buyer_id: str, amount: Decimal, referrer_id: str | None,
                at: int | None) -> None:
    """The checks an order passes before anything is read (BadInput)."""
    check_member_id(order_id, "id")
    check_member_id(buyer_id, "buyerId")
    if referrer_id is not None:
        check_member_id(referrer_id, "referrerId")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(CENT):
        raise BadInput(f"amount: {amount!r} is not an amount in cents")
    if at is not None:
        check_date(at, rn.clock())


@dataclass
class Prepared:
    """An order read and computed, not written: its `draft` (None when the id is booked already:
    `record` is then the stored order, and `half_done` says a crash left it unfinished)."""

    record: OrderRecord
    context: Row
    draft: OrderDraft | None = None
    half_done: bool = False

    def params(self) -> dict[str, Any]:
        """The parameters of the order's row in `order_record` / `orders_record_batch`."""
        assert self.draft is not None
        record = self.record
        return {"id": record.id, "buyer_id": record.buyer_id, "amount": to_cents(record.amount),
                "referrer_id": record.referrer_id, "referrer_key": record.referrer_id or "", "at": record.at,
                "period": record.period, "plan_version": record.plan_version, "flags": self.draft.flags}


def prepare_order(rn: Refnet, order_id: str, buyer_id: str, amount: Decimal, referrer_id: str | None,
                  at: int | None) -> Prepared:
    """Reads what order `order_id` needs and lets every module of the plan add its part to the
    draft; writes nothing. Raises the order's DomainError (after `check_order`)."""
    plan = plan_of(rn)
    when = at if at is not None else rn.clock()
    context = rn.store.run("order_context", {"id": order_id, "buyer_id": buyer_id,
                                             "referrer_key": referrer_id or "", "period": period_of(when)})[0]
    existing = context["existing"]
    if existing is None and not context.get("archive_checked"):
        existing = archived_orders(rn, [order_id]).get(order_id)
    if existing is not None:
        stored = _same_order(OrderRecord.from_row(existing), buyer_id, amount, referrer_id, at)
        return Prepared(stored, context, half_done=bool(existing["half_done"]) and context["buyer"] is not None)
    if context["buyer"] is None:
        raise NotFound(f"buyerId: no member with id {buyer_id!r}")
    if referrer_id is not None and not context["referrer_found"]:
        raise NotFound(f"referrerId: no member with id {referrer_id!r}")
    if amount <= 0:
        raise BadInput(f"amount: must be positive, got {fmt_money(amount)}")
    if plan.packages and plan.package(amount) is None:
        prices = ", ".join(fmt_money(p.price) for p in plan.packages)
        raise BadInput(f"amount: {fmt_money(amount)} is not a package price of plan {plan.name} ({prices})")
    record = OrderRecord(order_id, buyer_id, amount, referrer_id, when, period_of(when), plan.version)
    draft = _draft(rn, record, context)
    # late (its period's close has started): booked in the first open period
    booked_in = draft.booked_in = booking_period(rn, record.period) if context["period_started"] else record.period
    for module in plugins(plan):
        module.on_order(rn, draft)
    if not draft.notes.get(ALLOCATED):
        if not plan.allocation:  # nothing would book it: refuse rather than retain it all
            raise BadInput(f"plan: plan {plan.name} takes no orders (none of its modules "
                           f"{', '.join(sorted(plan.modules))} books one, and it has no [allocation])")
        book_core_allocation(draft)
    mark_late(draft.changes.entries, record.period, booked_in)  # docs/periods.md
    draft.flags["effects"] = True  # every module's part is booked: the order is whole
    return Prepared(record, context, draft)


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
    check_order(rn, order_id, buyer_id, amount, referrer_id, at)
    plan_of(rn)

    def attempt() -> tuple[OrderRecord, bool]:
        prepared = prepare_order(rn, order_id, buyer_id, amount, referrer_id, at)
        if prepared.draft is None:
            if prepared.half_done:
                _finish(rn, prepared.record, prepared.context)
            return prepared.record, prepared.half_done
        draft = prepared.draft
        rows = rn.store.run("order_record", {"version": draft.version, **prepared.params(),
                                             **draft.changes.params()})
        if not rows or rows[0]["entries"] != len(draft.changes.entries):
            raise Conflicted()
        return prepared.record, True

    record, booked = rn.guard(attempt)
    if booked:
        log.info("order %s of %s for %s booked", order_id, buyer_id, fmt_money(amount))
    return record


def _draft(rn: Refnet, record: OrderRecord, context: Row, finishing: bool = False) -> OrderDraft:
    return OrderDraft(record.id, record.buyer_id, to_cents(record.amount), record.referrer_id, record.at,
                      record.period, plan_of(rn), context["version"], context["buyer"], context["sponsor"],
                      finishing=finishing)


def _finish(rn: Refnet, record: OrderRecord, context: Row) -> None:
    """Books what the modules add to an order a crash left half-done (recorded by the two
    statements of earlier versions): its allocation stands, the rest is booked now."""
    draft = _draft(rn, record, context, finishing=True)
    for module in plugins(draft.plan):
        module.on_order(rn, draft)
    draft.flags["effects"] = True
    rows = rn.store.run("order_finish", {"version": context["version"], "id": record.id, "flags": draft.flags,
                                         **draft.changes.params()})
    if not rows or rows[0]["entries"] != len(draft.changes.entries):
        raise Conflicted()
    log.info("order %s: finished what a crash left half-done", record.id)


def finish_half_done(rn: Refnet, limit: int = 1000) -> int:
    """Finishes every order a crash left half-done (at start and before a period close)."""
    done = 0
    tried: set[str] = set()
    while True:
        ids = [row["id"] for row in rn.store.run("orders_half_done", {"limit": limit}) if row["id"] not in tried]
        for stored in get_orders(rn, ids).values():
            record_order(rn, stored.id, stored.buyer_id, stored.amount, stored.referrer_id, stored.at)
            done += 1
        tried.update(ids)
        if len(ids) < limit:
            return done


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


def get_orders(rn: Refnet, ids: list[str]) -> dict[str, OrderRecord]:
    """The orders among `ids`, in the graph or archived."""
    found = {row["id"]: OrderRecord.from_row(row) for row in rn.store.run("orders_by_ids", {"ids": list(ids)})}
    missing = [order_id for order_id in ids if order_id not in found]
    if missing:
        found.update({order_id: OrderRecord.from_row(row) for order_id, row in
                      archived_orders(rn, missing, refunded=True).items()})
    return found


def archived_orders(rn: Refnet, ids: list[str], refunded: bool = False) -> dict[str, Row]:
    """The orders among `ids` that moved to the archive (graph.ledger.history), shaped as the
    graph's order rows (`half_done` false: only whole orders move); with `refunded`, what their
    refunds took (cents), in the archive and in the graph. Read after the graph's rows: a move
    recorded since is then seen, so an order is found on one side or the other."""
    def read(h: History) -> dict[str, Row]:
        found = orders_by_ids(h, ids)
        if found and refunded:
            cold = archived_refunded(h, sorted(found))
            hot = {row["id"]: int(row["refunded"]) for row in
                   rn.store.run("refunds_sums", {"ids": sorted(found), "archived": h.removing})}
            for order_id, row in found.items():
                row["refunded"] = cold.get(order_id, 0) + hot.get(order_id, 0)
        for row in found.values():
            row["half_done"] = False
        return found

    return consistent(rn, read) if refunded else read(history(rn))


def archived_own_sales(rn: Refnet, h: History, member_id: str) -> list[int]:
    """What each archived order of the member with effects still counts as a sale (cents: its
    amount less its refunds, archived and in the graph): a tree move carries it with the member."""
    found = own_orders(h, member_id)
    if not found:
        return []
    ids = [row["id"] for row in found]
    cold = archived_refunded(h, ids)
    hot = {row["id"]: int(row["refunded"]) for row in rn.store.run("refunds_sums", {"ids": ids, "archived": h.removing})}
    return [int(row["amount"]) - cold.get(row["id"], 0) - hot.get(row["id"], 0) for row in found]


def get_order(rn: Refnet, order_id: str) -> OrderRecord | None:
    return get_orders(rn, [order_id]).get(order_id)


def entries(rn: Refnet, order_id: str) -> list[EntryRecord]:
    """The order's entries in booking order."""
    return entries_of_orders(rn, [order_id])[order_id]
