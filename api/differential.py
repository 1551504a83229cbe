"""The differential plan in GraphQL (rules §9): the run of a closed month.

`closePeriod` itself is the running plan's close (api/periods.py); registration (the three
ways) lives in api/members.py; orders in api/orders.py.
"""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.periods import PeriodRun
from graph.core.errors import BadInput
from graph.plans.differential import close as differential_close


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
        return PeriodRun(record=record.summary()) if record is not None else None
