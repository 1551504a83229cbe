"""`closePeriod` in GraphQL and on the command line: the running plan's period close."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.scalars import Money
from graph.ledger import period_close
from graph.ledger.period_close import PeriodRunRecord


@strawberry.type
class PeriodRun:
    record: strawberry.Private[PeriodRunRecord]

    @strawberry.field
    def period(self) -> str:
        return self.record.period

    @strawberry.field(description="Entries the run booked.")
    def entries(self) -> int:
        return self.record.entries

    @strawberry.field(description="Money the run booked.")
    def total(self) -> Money:
        return Money(self.record.total)

    @strawberry.field(description="False while a run killed half-way waits for its re-run.")
    def done(self) -> bool:
        return self.record.done

    @strawberry.field(description="DONE, or RUNNING while a run killed half-way waits for its re-run.")
    def state(self) -> str:
        return "DONE" if self.record.done else "RUNNING"

    @strawberry.field(description="The plan that ran it (differential plan).")
    def plan(self) -> Optional[str]:
        return self.record.plan

    @strawberry.field(description="Orders the run booked (differential plan).")
    def orders(self) -> Optional[int]:
        return self.record.orders

    @strawberry.field(description="Version of the plan the run was started under (plans).")
    def plan_version(self) -> Optional[str]:
        return self.record.plan_version


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Closes a period of the running plan: a month (\"2026-11\": linkage pools and "
                                     "levels, or the differential) or a family week (\"2026-W48\"). Idempotent; "
                                     "re-running a run killed half-way finishes it.")
    async def close_period(self, info: Info, period: str) -> PeriodRun:
        require_admin(info)
        return PeriodRun(record=await call(period_close.close_period, info.context.rn, period))
