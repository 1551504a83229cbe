"""Refunds, plan versions and the payout report in GraphQL (issue 8)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.orders import LedgerEntry, datetime_of
from api.scalars import Money
from graph import ledger, refunds
from graph.refunds import RefundRecord


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
class Query:
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
        record = await call(refunds.refund_order, info.context.rn, str(order_id), amount, reason,
                            str(id) if id is not None else None)
        return Refund(record=record)
