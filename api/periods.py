"""`closePeriod` in GraphQL and on the command line: the running plan's period close."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.refunds import RuleTotal
from api.scalars import Money
from graph.ledger import period_close, preview
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

    @strawberry.field(description="The plan's headline money: `booked`, or `paid` on the differential plan; the "
                                  "same as the period's preview's `total`.")
    def total(self) -> Money:
        return Money(self.record.total)

    @strawberry.field(description="Money of every entry the run booked (null: a run from before these totals).")
    def booked(self) -> Optional[Money]:
        return Money(self.record.booked) if self.record.booked is not None else None

    @strawberry.field(description="Money of its PAID entries.")
    def paid(self) -> Optional[Money]:
        return Money(self.record.paid) if self.record.paid is not None else None

    @strawberry.field(description="Money of its RETAINED entries.")
    def retained(self) -> Optional[Money]:
        return Money(self.record.retained) if self.record.retained is not None else None

    @strawberry.field(description="What the run booked by rule and status, read from the ledger (as the preview's "
                                  "`byRule`).")
    async def by_rule(self, info: Info) -> list[RuleTotal]:
        require_admin(info)
        totals = await call(preview.run_rules, info.context.rn, self.record.period)
        return [RuleTotal.of(total) for total in totals]

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
                                     "levels, or the differential) or a family week (\"2026-W48\"), UTC, years 2000–2100. "
                                     "Only once the period has ended (BAD_INPUT naming its end before). Idempotent; "
                                     "re-running a run killed half-way finishes it; what arrives later for a closed "
                                     "period is booked in the first open one.")
    async def close_period(self, info: Info, period: str) -> PeriodRun:
        require_admin(info)
        return PeriodRun(record=await call(period_close.close_period, info.context.rn, period))
