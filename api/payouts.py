"""Payouts of a month in GraphQL (`payouts(period)`, admin) and `refnet payouts` (issue 16)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.scalars import Money
from graph.ledger import payouts
from graph.ledger.payouts import PayoutLine


@strawberry.type(name="PayoutMember", description="What became payable to one member in the month, and what to "
                                                 "pay now: closing = broughtForward + opening + earned + released + "
                                                 "reversals − withdrawn.")
class PayoutMemberLine:
    record: strawberry.Private[PayoutLine]

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.member_id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field(description="The available balance from every earlier month.")
    def brought_forward(self) -> Money:
        return Money(self.record.brought_forward)

    @strawberry.field(description="Opening balances imported in the month (opening_balance entries).")
    def opening(self) -> Money:
        return Money(self.record.opening)

    @strawberry.field(description="Every other PAID entry of the month that pays the member.")
    def earned(self) -> Money:
        return Money(self.record.earned)

    @strawberry.field(description="Mutual-fund money released in the month.")
    def released(self) -> Money:
        return Money(self.record.released)

    @strawberry.field(description="Refund reversals of the month (negative).")
    def reversals(self) -> Money:
        return Money(self.record.reversals)

    @strawberry.field(description="What withdrawals of the month took out (paid and frozen parts).")
    def withdrawn(self) -> Money:
        return Money(self.record.withdrawn)

    @strawberry.field(description="The available balance at the month's end.")
    def closing(self) -> Money:
        return Money(self.record.closing)

    @strawberry.field(description="A positive closing balance: the amount to pay now.")
    def to_pay(self) -> Money:
        return Money(self.record.to_pay)

    @strawberry.field(description="A negative closing balance carried into the next month (0 or less).")
    def carried(self) -> Money:
        return Money(self.record.carried)


@strawberry.type(description="The payout file of one month: per member, totals, and the ledger's own recount.")
class Payouts:
    record: strawberry.Private[payouts.Payouts]

    @strawberry.field
    def period(self) -> str:
        return self.record.period

    @strawberry.field
    def members(self) -> list[PayoutMemberLine]:
        return [PayoutMemberLine(record=line) for line in self.record.lines]

    @strawberry.field(description="Σ toPay.")
    def total_to_pay(self) -> Money:
        return Money(self.record.to_pay)

    @strawberry.field(description="Σ carried (0 or less).")
    def total_carried(self) -> Money:
        return Money(self.record.carried)

    @strawberry.field(description="Σ closing = totalToPay + totalCarried.")
    def total_closing(self) -> Money:
        return Money(self.record.closing)

    @strawberry.field(description="The available money the ledger holds at the month's end, recounted entry by "
                                  "entry; equals totalClosing.")
    def ledger_total(self) -> Money:
        return Money(self.record.ledger)


@strawberry.type
class Query:
    @strawberry.field(description="Admin: what became payable in a month (YYYY-MM), per member, and what to pay.")
    async def payouts(self, info: Info, period: str) -> Payouts:
        require_admin(info)
        return Payouts(record=await call(payouts.payouts, info.context.rn, period))
