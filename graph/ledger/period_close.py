"""`closePeriod` for whatever plan the deployment runs: one entry point, one run record.

Each plan module closes its own periods (linkage months: `graph.plans.linkage.close`; family weeks:
`graph.plans.family.commission`; differential months: `graph.plans.differential.close`); this module picks
the one the running plan switches on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.core.errors import BadInput
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
    """Closes `period` with the running plan's period module; idempotent."""
    return _module(rn, period)[0](period)


def preview_period(rn: Refnet, period: str) -> list[dict[str, Any]]:
    """The entry rows `close_period(period)` would book now, booking nothing (issue 8)."""
    return _module(rn, period)[1](period)


def _module(rn: Refnet, period: str) -> tuple[Callable[[str], PeriodRunRecord], Callable[[str], list[dict[str, Any]]]]:
    """(close, preview) of the running plan's period module."""
    if not isinstance(period, str):
        raise BadInput("period: must be a string like 2026-11 or 2026-W48")
    modules = rn.plan.modules if rn.plan is not None else frozenset()
    if "family" in modules:
        from graph.plans.family import commission
        from graph.plans.family.plan import plan_of

        family = plan_of(rn)
        assert family is not None  # "family" is one of the plan's modules
        return (lambda p: commission.close_period(rn, family, p),
                lambda p: commission.preview_period(rn, family, p))
    if "differential" in modules:
        from graph.plans.differential import close as differential_close

        return (lambda p: differential_close.close_period(rn, p).summary(),
                lambda p: differential_close.preview_period(rn, p))
    if modules & {"dividend_pool", "level", "shareholder"}:
        from graph.plans.linkage import close as linkage_close

        return lambda p: linkage_close.close_period(rn, p), lambda p: linkage_close.preview_period(rn, p)
    raise BadInput(f"period: no module of the running plan closes periods like {period!r}")
