"""`closePeriod` for whatever plan the deployment runs: one entry point, one run record.

Each plan module closes its own periods (linkage months: `graph.plans.linkage.close`; family weeks:
`graph.plans.family.commission`; differential months: `graph.plans.differential.close`); this module picks
the one the running plan switches on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from graph.core.errors import BadInput
from graph.core.periods import MONTH, check_closable, first_open, parse_period
from graph.service import Refnet


@dataclass(frozen=True)
class PeriodRunRecord:
    period: str
    entries: int  # entries the run booked
    total: Decimal  # money the run booked
    done: bool = True  # False while a run killed half-way waits for its re-run
    plan: str | None = None  # the plan that ran it, where the module records it
    orders: int | None = None  # orders the run booked, where the module counts them
    plan_version: str | None = None  # the version of the plan file the run was started under (issue 8)


def close_period(rn: Refnet, period: str) -> PeriodRunRecord:
    """Closes `period` with the running plan's period module; idempotent. Only a period that
    has ended can be closed (`graph.core.periods.check_closable`, docs/periods.md)."""
    close, _, kind = _module(rn, period)
    _check(period, kind, rn.clock())
    return close(period)


def preview_period(rn: Refnet, period: str) -> list[dict]:
    """The entry rows `close_period(period)` would book now, booking nothing (issue 8); refused
    like the close for a period that has not ended."""
    _, preview, kind = _module(rn, period)
    _check(period, kind, rn.clock())
    return preview(period)


def _check(period: str, kind: str, now: int) -> None:
    """A valid period that has ended; one of another kind is left to the plan's module, which
    says which kind it closes."""
    if parse_period(period).kind == kind:
        check_closable(period, now, kind)


def closed_periods(rn: Refnet) -> set[str]:
    """Every period a close has started on (a run half-way done is closed to new bookings)."""
    return {row["period"] for row in rn.store.run("period_runs_started")}


def booking_period(rn: Refnet, belongs_to: str) -> str:
    """Where something belonging to `belongs_to` is booked now: that period while it is open,
    else the first open period after it (docs/periods.md)."""
    return first_open(belongs_to, closed_periods(rn))


def _module(rn: Refnet, period: str) -> tuple[Callable[[str], PeriodRunRecord], Callable[[str], list[dict]], str]:
    """(close, preview, the kind of period it closes) of the running plan's period module."""
    if not isinstance(period, str):
        raise BadInput("period: must be a string like 2026-11 or 2026-W48")
    modules = rn.plan.modules if rn.plan is not None else frozenset()
    if "family" in modules:
        from graph.plans.family import commission
        from graph.plans.family.plan import plan_of

        return (lambda p: commission.close_period(rn, plan_of(rn), p),
                lambda p: commission.preview_period(rn, plan_of(rn), p), plan_of(rn).period)
    if "differential" in modules:
        from graph.plans.differential import close as differential_close

        return (lambda p: differential_close.close_period(rn, p).summary(),
                lambda p: differential_close.preview_period(rn, p), MONTH)
    if modules & {"dividend_pool", "level", "shareholder"}:
        from graph.plans.linkage import close as linkage_close

        return (lambda p: linkage_close.close_period(rn, p), lambda p: linkage_close.preview_period(rn, p),
                MONTH)
    raise BadInput(f"period: no module of the running plan closes periods like {period!r}")
