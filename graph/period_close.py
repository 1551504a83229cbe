"""`closePeriod` for whatever plan the deployment runs: one entry point, one run record.

Each plan module closes its own periods (linkage months: `graph.linkage_close`; family weeks:
`graph.family.commission`; differential months: `graph.differential_close`); this module picks
the one the running plan switches on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from graph.errors import BadInput
from graph.service import Refnet


@dataclass(frozen=True)
class PeriodRunRecord:
    period: str
    entries: int  # entries the run booked
    total: Decimal  # money the run booked
    done: bool = True  # False while a run killed half-way waits for its re-run
    plan: str | None = None  # the plan that ran it, where the module records it
    orders: int | None = None  # orders the run booked, where the module counts them


def close_period(rn: Refnet, period: str) -> PeriodRunRecord:
    """Closes `period` with the running plan's period module; idempotent."""
    if not isinstance(period, str):
        raise BadInput("period: must be a string like 2026-11 or 2026-W48")
    modules = rn.plan.modules if rn.plan is not None else frozenset()
    if "family" in modules:
        from graph.family import commission
        from graph.family.plan import plan_of

        return commission.close_period(rn, plan_of(rn), period)
    if "differential" in modules:
        from graph import differential_close

        return differential_close.close_period(rn, period).summary()
    if modules & {"dividend_pool", "level", "shareholder"}:
        from graph import linkage_close

        return linkage_close.close_period(rn, period)
    raise BadInput(f"period: no module of the running plan closes periods like {period!r}")
