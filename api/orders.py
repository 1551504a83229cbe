"""Orders and the ledger in GraphQL: `recordOrder`, `order`, `ledger`, and the `Balance` type."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin, write
from api.permissions import OwnMemberId
from api.scalars import Money, Points
from graph.core.money import from_units
from graph.ledger import entries as ledger
from graph.ledger import orders
from graph.ledger.entries import LEDGER_PAGE_MAX, BalanceRecord, EntryRecord
from graph.ledger.order_batch import OrderItem, OrderOutcome
from graph.ledger.orders import OrderRecord


def datetime_of(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def ms_of(moment: datetime) -> int:
    """Epoch milliseconds of a client's time; a time without zone is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


@strawberry.enum
class EntryStatus(Enum):
    PAID = "PAID"
    FROZEN = "FROZEN"
    BURNED = "BURNED"
    POOLED = "POOLED"
    RETAINED = "RETAINED"
    COST = "COST"


@strawberry.type(description="One booked amount that explains itself (rules §0). Never edited.")
class LedgerEntry:
    record: strawberry.Private[EntryRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field(description="direct, see_point, peer, dividend_pool, points_pool, cost, platform, …")
    def rule(self) -> str:
        return self.record.rule

    @strawberry.field
    def status(self) -> EntryStatus:
        return EntryStatus(self.record.status)

    @strawberry.field
    def amount(self) -> Money:
        return Money(self.record.amount)

    @strawberry.field
    def beneficiary_id(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.beneficiary_id) if self.record.beneficiary_id else None

    @strawberry.field
    def order_id(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.order_id) if self.record.order_id else None

    @strawberry.field(description="Calendar month of the booking, e.g. 2026-11.")
    def period(self) -> Optional[str]:
        return self.record.period

    @strawberry.field(description="One line with the numbers used, e.g. 'direct 10% of 1000.00 = 100.00 to sponsor S (agent)'.")
    def explanation(self) -> str:
        return self.record.explanation

    @strawberry.field(description="The pool a POOLED entry went into: dividend, points, level, shareholder.")
    def pool(self) -> Optional[str]:
        return self.record.pool

    @strawberry.field(description="The booking's business time (the order's time).")
    def at(self) -> datetime:
        return datetime_of(self.record.at)

    @strawberry.field(description="Version (content hash prefix) of the plan file the entry was booked under.")
    def plan_version(self) -> Optional[str]:
        return self.record.plan_version

    @strawberry.field(description="For a refund's reversal (negative amount): the id of the entry it reverses.")
    def reverses(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.reverses) if self.record.reverses else None

    @strawberry.field(description="For a refund's reversal: the refund that booked it.")
    def refund_id(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.refund_id) if self.record.refund_id else None

    @strawberry.field(description="Points sold by a points_sale entry (rules §5); null for other entries.")
    def points(self) -> Optional[Points]:
        return Points(from_units(self.record.points)) if self.record.points is not None else None

    @strawberry.field(description="Pass as `after` to `ledger` for the entries that follow this one.")
    def cursor(self) -> str:
        return self.record.cursor


@strawberry.type
class Order:
    record: strawberry.Private[OrderRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def buyer_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.buyer_id)

    @strawberry.field
    def amount(self) -> Money:
        return Money(self.record.amount)

    @strawberry.field
    def referrer_id(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.referrer_id) if self.record.referrer_id else None

    @strawberry.field
    def at(self) -> datetime:
        return datetime_of(self.record.at)

    @strawberry.field(description="Calendar month of the order (UTC), e.g. 2026-11.")
    def period(self) -> str:
        return self.record.period

    @strawberry.field
    def plan_version(self) -> Optional[str]:
        return self.record.plan_version

    @strawberry.field(description="What its refunds took back so far (refundOrder).")
    def refunded(self) -> Money:
        return Money(self.record.refunded)

    @strawberry.field(description="The order's entries in booking order; they sum exactly to its amount.")
    async def entries(self, info: Info) -> list[LedgerEntry]:
        loader = info.context.loader("order_entries", ledger.entries_of_orders, [])
        records: list[EntryRecord] = await loader.load(self.record.id)
        return [LedgerEntry(record=record) for record in records]


@strawberry.type(description="available = paid − withdrawn; quotaLeft is null for a member that never bought a package.")
class Balance:
    record: strawberry.Private[BalanceRecord]

    @strawberry.field
    def available(self) -> Money:
        return Money(self.record.available)

    @strawberry.field
    def frozen(self) -> Money:
        return Money(self.record.frozen)

    @strawberry.field
    def burned(self) -> Money:
        return Money(self.record.burned)

    @strawberry.field
    def quota_left(self) -> Optional[Money]:
        return Money(self.record.quota_left) if self.record.quota_left is not None else None

    @strawberry.field
    def points(self) -> Points:
        return Points(self.record.points)


NO_BALANCE = BalanceRecord(Money(Decimal("0.00")), Money(Decimal("0.00")), Money(Decimal("0.00")), None,
                           Points(Decimal("0.0000")))


async def load_balance(info: Info, member_id: str) -> Balance:
    record = await info.context.loader("balance", ledger.balances, NO_BALANCE).load(member_id)
    return Balance(record=record)


@strawberry.input
class OrderInput:
    id: strawberry.ID
    buyer_id: strawberry.ID
    amount: Money
    referrer_id: Optional[strawberry.ID] = None
    at: Optional[datetime] = strawberry.field(default=None, description="Defaults to now; without a zone, UTC.")


@strawberry.type
class Query:
    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID) -> Optional[Order]:
        require_admin(info)
        record = await info.context.loader("order", orders.get_orders).load(str(id))
        return Order(record=record) if record is not None else None

    @strawberry.field(description=f"Entries matching every given filter, in a stable order (time, source, booking "
                                  f"order); `after` is an entry's cursor; first at most {LEDGER_PAGE_MAX}. A member reads "
                                  f"its own (memberId: its id).", permission_classes=[OwnMemberId])
    async def ledger(
        self,
        info: Info,
        member_id: Optional[strawberry.ID] = None,
        order_id: Optional[strawberry.ID] = None,
        period: Optional[str] = None,
        rule: Optional[str] = None,
        first: Optional[int] = 100,
        after: Optional[str] = None,
    ) -> list[LedgerEntry]:
        records = await call(
            ledger.ledger, info.context.rn,
            member_id=str(member_id) if member_id is not None else None,
            order_id=str(order_id) if order_id is not None else None,
            period=period, rule=rule, first=100 if first is None else first, after=after,
        )
        return [LedgerEntry(record=record) for record in records]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Idempotent on id: the same order again returns the stored one; "
                                     "the same id with other content is CONFLICT.")
    async def record_order(self, info: Info, input: OrderInput) -> Order:
        require_admin(info)
        item = OrderItem(str(input.id), str(input.buyer_id), input.amount,
                         str(input.referrer_id) if input.referrer_id is not None else None,
                         ms_of(input.at) if input.at is not None else None)
        outcome = await write(info, "order", item, lambda: OrderOutcome(order=orders.record_order(
            info.context.rn, item.order_id, item.buyer_id, item.amount, item.referrer_id, item.at)))
        return Order(record=outcome.order)
