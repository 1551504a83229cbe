"""A member's statement of a month in GraphQL (`statement(memberId, period)`) and
`refnet statement MEMBER PERIOD` (issue 16)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import call
from api.orders import LedgerEntry
from api.permissions import OwnMemberId
from api.scalars import Money
from graph.ledger import statements
from graph.ledger.statements import StatementLine as StatementLineRecord


@strawberry.type(description="One entry of the month and what it did to the available balance.")
class StatementLine:
    record: strawberry.Private[StatementLineRecord]

    @strawberry.field
    def entry(self) -> LedgerEntry:
        return LedgerEntry(record=self.record.entry)

    @strawberry.field(description="What the entry did to the available balance (0 for BURNED, frozen parts, …).")
    def effect(self) -> Money:
        return Money(self.record.effect)

    @strawberry.field(description="The available balance after the entry.")
    def balance(self) -> Money:
        return Money(self.record.balance)


@strawberry.type(description="A member's month: opening balance, every entry, closing balance; "
                             "balanced says closing = opening + Σ effect.")
class Statement:
    record: strawberry.Private[statements.Statement]

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.member_id)

    @strawberry.field
    def period(self) -> str:
        return self.record.period

    @strawberry.field(description="The available balance at the month's start.")
    def opening(self) -> Money:
        return Money(self.record.opening)

    @strawberry.field
    def lines(self) -> list[StatementLine]:
        return [StatementLine(record=line) for line in self.record.lines]

    @strawberry.field(description="The available balance at the month's end, recounted from the ledger.")
    def closing(self) -> Money:
        return Money(self.record.closing)

    @strawberry.field(description="closing = opening + Σ effect of the lines.")
    def balanced(self) -> bool:
        return self.record.balanced


@strawberry.type
class Query:
    @strawberry.field(description="A member's statement of a month (YYYY-MM): the member itself or an admin.",
                      permission_classes=[OwnMemberId])
    async def statement(self, info: Info, member_id: strawberry.ID, period: str) -> Statement:
        return Statement(record=await call(statements.statement, info.context.rn, str(member_id), period))
