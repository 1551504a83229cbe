"""`closePeriod` in GraphQL and on the command line: the running plan's period close."""

from __future__ import annotations

import argparse
from typing import Optional

import strawberry
from strawberry.types import Info

from api.cli import command, open_engine
from api.context import call, require_admin
from api.scalars import Money
from graph import period_close
from graph.period_close import PeriodRunRecord


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


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Closes a period of the running plan: a month (\"2026-11\": linkage pools and "
                                     "levels, or the differential) or a family week (\"2026-W48\"). Idempotent; "
                                     "re-running a run killed half-way finishes it.")
    async def close_period(self, info: Info, period: str) -> PeriodRun:
        require_admin(info)
        return PeriodRun(record=await call(period_close.close_period, info.context.rn, period))


def _close_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", help='the period to close, e.g. "2026-11" or "2026-W48"')


@command("close-period", "close a period of the running plan (idempotent; finishes a killed run)", _close_arguments)
def close_period_command(args: argparse.Namespace) -> int:
    rn = open_engine(args)
    try:
        run = period_close.close_period(rn, args.period)
    finally:
        rn.store.close()
    print(f"{run.period}: {run.entries} entries, {run.total}")
    return 0
