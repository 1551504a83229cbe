"""The differential plan in GraphQL (rules §9): `closePeriod` for months and the `PeriodRun` type.

Registration (the three ways) lives in api/members.py; orders in api/orders.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.orders import datetime_of
from api.scalars import Money
from graph import differential_close
from graph.differential_close import PeriodRunRecord
from graph.errors import BadInput


@strawberry.type(description="A closed (or closing) period: what its run booked.")
class PeriodRun:
    record: strawberry.Private[PeriodRunRecord]

    @strawberry.field
    def period(self) -> str:
        return self.record.period

    @strawberry.field(description="Entries the run booked, of every status (RETAINED remainders included).")
    def entries(self) -> int:
        return self.record.entries

    @strawberry.field(description="What the run paid out (its PAID entries).")
    def total(self) -> Money:
        return Money(self.record.total)

    @strawberry.field(description="Orders the run booked.")
    def orders(self) -> int:
        return self.record.orders

    @strawberry.field(description="RUNNING while a run is under way (or was killed: closing again finishes it), DONE after.")
    def state(self) -> str:
        return self.record.state

    @strawberry.field
    def plan(self) -> str:
        return self.record.plan

    @strawberry.field
    def started_at(self) -> datetime:
        return datetime_of(self.record.started_at)

    @strawberry.field
    def finished_at(self) -> Optional[datetime]:
        return datetime_of(self.record.finished_at) if self.record.finished_at is not None else None


def _require_differential(info: Info) -> None:
    plan = info.context.rn.plan
    if plan is None or not plan.has("differential"):
        raise BadInput("period: the running plan has no monthly differential close")


@strawberry.type
class Query:
    @strawberry.field(description="The run of a closed month of the differential plan, if it ran.")
    async def period_run(self, info: Info, period: str) -> Optional[PeriodRun]:
        require_admin(info)
        _require_differential(info)
        record = await call(differential_close.get_run, info.context.rn, period)
        return PeriodRun(record=record) if record is not None else None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Closes a month (\"2026-11\"): ranks from the month's group volumes, then the "
                                     "differential and recommender bonuses of its orders. Idempotent; a run killed "
                                     "half-way is finished by calling it again.")
    async def close_period(self, info: Info, period: str) -> PeriodRun:
        require_admin(info)
        _require_differential(info)
        record = await call(differential_close.close_period, info.context.rn, period)
        return PeriodRun(record=record)
