"""Refunds, period previews, plan versions and the payout report in GraphQL (issue 8)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

import strawberry
from strawberry.tools import merge_types
from strawberry.types import Info

from api.context import call, require_admin, write
from api.orders import EntryStatus, LedgerEntry, datetime_of, ms_of
from api.permissions import Public
from api.scalars import Money, Points
from graph.core import plan_versions
from graph.ledger import entries as ledger
from graph.ledger import payout, preview, refunds
from graph.ledger.refunds import RefundRecord


@strawberry.type(description="A refund of (part of) an order: its reversal entries mirror the order's entries pro rata.")
class Refund:
    record: strawberry.Private[RefundRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def order_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.order_id)

    @strawberry.field
    def amount(self) -> Money:
        return Money(self.record.amount)

    @strawberry.field
    def reason(self) -> str:
        return self.record.reason

    @strawberry.field
    def at(self) -> datetime:
        return datetime_of(self.record.at)

    @strawberry.field(description="Calendar month the reversals are booked in (UTC), e.g. 2026-11.")
    def period(self) -> str:
        return self.record.period

    @strawberry.field(description="Version of the plan the engine ran when the refund was booked.")
    def plan_version(self) -> Optional[str]:
        return self.record.plan_version

    @strawberry.field(description="The reversal entries (negative amounts), one per reversed entry.")
    async def entries(self, info: Info) -> list[LedgerEntry]:
        loader = info.context.loader("order_entries", ledger.entries_of_orders, [])
        records = await loader.load(self.record.order_id)
        return [LedgerEntry(record=r) for r in records if r.refund_id == self.record.id]


@strawberry.type
class RefundQuery:
    @strawberry.field(description="The refunds of an order, oldest first.")
    async def refunds(self, info: Info, order_id: strawberry.ID) -> list[Refund]:
        require_admin(info)
        records = await info.context.loader("order_refunds", refunds.refunds_of_orders, []).load(str(order_id))
        return [Refund(record=record) for record in records]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Refunds `amount` of an order (refunds of one order add up to at most its "
                                     "amount): every entry of the order is reversed pro rata at its booked amount. "
                                     "Idempotent on `id`: the same refund again returns the stored one; the same "
                                     "id with other content is CONFLICT. Without `id`, a new refund every time.")
    async def refund_order(self, info: Info, order_id: strawberry.ID, amount: Money, reason: str,
                           id: Optional[strawberry.ID] = None) -> Refund:
        require_admin(info)
        item = refunds.RefundItem(str(order_id), amount, reason, str(id) if id is not None else None)
        outcome = await write(info, "refund", item, lambda: refunds.RefundOutcome(refund=refunds.refund_order(
            info.context.rn, item.order_id, item.amount, item.reason, item.refund_id)))
        return Refund(record=outcome.refund)


@strawberry.type(description="Money of one rule and status in a period preview.")
class RuleTotal:
    rule: str
    status: EntryStatus
    amount: Money
    entries: int

    @classmethod
    def of(cls, total: preview.RuleTotal) -> "RuleTotal":
        return cls(rule=total.rule, status=EntryStatus(total.status), amount=Money(total.amount), entries=total.entries)


@strawberry.type(description="What one member would be credited (PAID and FROZEN) by a period close.")
class MemberTotal:
    member_id: strawberry.ID
    amount: Money
    entries: int

    @classmethod
    def of(cls, total: preview.MemberTotal) -> "MemberTotal":
        return cls(member_id=strawberry.ID(total.member_id), amount=Money(total.amount), entries=total.entries)


@strawberry.type(description="The entries closePeriod would book now, with totals; nothing is booked.")
class PeriodPreview:
    record: strawberry.Private[preview.PeriodPreview]

    @strawberry.field
    def period(self) -> str:
        return self.record.period

    @strawberry.field(description="The entries with the ids they would get; `at` is the preview's time.")
    def entries(self) -> list[LedgerEntry]:
        return [LedgerEntry(record=record) for record in self.record.entries]

    @strawberry.field
    def by_rule(self) -> list[RuleTotal]:
        return [RuleTotal.of(total) for total in self.record.by_rule]

    @strawberry.field
    def by_member(self) -> list[MemberTotal]:
        return [MemberTotal.of(total) for total in self.record.by_member]

    @strawberry.field(description="The plan's headline money, as the close's `total` (booked, or paid on the "
                                  "differential plan).")
    def total(self) -> Money:
        return Money(self.record.total)

    @strawberry.field(description="Money of every entry it would book (the close's `booked`).")
    def booked(self) -> Money:
        return Money(self.record.booked)

    @strawberry.field(description="Money of its PAID entries (the close's `paid`).")
    def paid(self) -> Money:
        return Money(self.record.paid)

    @strawberry.field(description="Money of its RETAINED entries (the close's `retained`).")
    def retained(self) -> Money:
        return Money(self.record.retained)


@strawberry.type
class PreviewQuery:
    @strawberry.field(description="What closePeriod(period) would book now, with totals per rule and per member, "
                                  "without booking anything. Empty for a period already closed.")
    async def preview_period(self, info: Info, period: str) -> PeriodPreview:
        require_admin(info)
        return PeriodPreview(record=await call(preview.preview_period, info.context.rn, period))


@strawberry.type(description="A version of the plan file: its content hash and when an engine first ran it.")
class PlanVersion:
    record: strawberry.Private[plan_versions.PlanVersionRecord]

    @strawberry.field(description="First 12 hex digits of the hash; stored on every entry and run.")
    def version(self) -> str:
        return self.record.version

    @strawberry.field(description="sha256 of the plan file's bytes.")
    def hash(self) -> str:
        return self.record.hash

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def first_used_at(self) -> datetime:
        return datetime_of(self.record.first_used_at)


@strawberry.type(description="Money of one rule (or the total) in a payout report.")
class PayoutLine:
    rule: str = strawberry.field(description="The rule, or 'total'.")
    revenue: Money = strawberry.field(
        description="The part of the revenue the orders' allocation gave this rule (net of refunds).")
    paid: Money
    frozen: Money
    burned: Money
    pooled: Money
    retained: Money
    cost: Money
    ratio: Optional[Points] = strawberry.field(
        description="paid ÷ the report's whole revenue (4 places, rounded down); null without revenue.")

    @classmethod
    def of(cls, line: payout.PayoutLine) -> "PayoutLine":
        return cls(**{name: getattr(line, name) for name in payout.PayoutLine.__dataclass_fields__})


@strawberry.type(description="What the plan paid out of the revenue between from and to (entries' time).")
class PayoutReport:
    record: strawberry.Private[payout.PayoutReport]

    @strawberry.field(name="from")
    def from_(self) -> datetime:
        return datetime_of(self.record.from_ms)

    @strawberry.field
    def to(self) -> datetime:
        return datetime_of(self.record.to_ms)

    @strawberry.field(description="Orders' amounts net of refunds.")
    def revenue(self) -> Money:
        return Money(self.record.revenue)

    @strawberry.field
    def total(self) -> PayoutLine:
        return PayoutLine.of(self.record.total)

    @strawberry.field
    def rules(self) -> list[PayoutLine]:
        return [PayoutLine.of(line) for line in self.record.rules]


@strawberry.type
class ReportQuery:
    @strawberry.field(description="Every plan version an engine ran, first used first (public).",
                      permission_classes=[Public])
    async def plans(self, info: Info) -> list[PlanVersion]:
        records = await call(plan_versions.plan_versions, info.context.rn.store)
        return [PlanVersion(record=record) for record in records]

    @strawberry.field(description="Revenue, paid, frozen, burned, pooled, retained, cost and paid ÷ revenue, per "
                                  "rule and in total, of the entries booked in [from, to).")
    async def payout_report(self, info: Info, from_: Annotated[datetime, strawberry.argument(name="from")],
                            to: datetime) -> PayoutReport:
        require_admin(info)
        return PayoutReport(record=await call(payout.payout_report, info.context.rn, ms_of(from_), ms_of(to)))


Query = merge_types("Query", (RefundQuery, PreviewQuery, ReportQuery))
