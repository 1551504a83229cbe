"""`closePeriod` for whatever plan the deployment runs: one entry point, one run record.

Each plan closes its own periods through its modules' `on_close` / `on_preview` hooks
(`graph.core.plugin`); the first module of the running plan that closes periods does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput
from graph.core.periods import check_closable, first_open, parse_period
from graph.core.plugin import plugins

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
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
    booked: Decimal | None = None  # all entries the run booked (None: a run from before these totals)
    paid: Decimal | None = None  # its PAID entries
    retained: Decimal | None = None  # its RETAINED entries


def close_period(rn: Refnet, period: str) -> PeriodRunRecord:
    """Closes `period` with the running plan's module that closes periods; idempotent. Orders
    a crash left half-done are finished first, so the close splits their pool shares too."""
    from graph.ledger.orders import finish_half_done

    _check(rn, period)
    finish_half_done(rn)
    from graph.ledger.archive import after_close

    for module in plugins(rn):
        record = module.on_close(rn, period)
        if record is not None:
            if record.done:
                after_close(rn, period)  # the closed period's entries move to the archive (issue 19)
            return record
    raise _no_close(period)


def preview_period(rn: Refnet, period: str) -> list[dict[str, Any]]:
    """The entry rows `close_period(period)` would book now, booking nothing (issue 8)."""
    _check(rn, period)
    for module in plugins(rn):
        rows = module.on_preview(rn, period)
        if rows is not None:
            return rows
    raise _no_close(period)


def _check(rn: Refnet, period: str) -> None:
    """A valid period (graph.core.periods) that has ended, for a close and its preview alike
    (docs/periods.md). A period of another kind than the plan closes is left to the plan's
    module, which says which kind it closes."""
    if not isinstance(period, str):
        raise BadInput("period: must be a string like 2026-11 or 2026-W48")
    kinds = {kind for module in plugins(rn) if (kind := module.period_kind(rn)) is not None}
    if parse_period(period).kind in kinds:
        check_closable(period, rn.clock(), parse_period(period).kind)


def closed_periods(rn: Refnet) -> set[str]:
    """Every period a close has started on (a run half-way done is closed to new bookings)."""
    return {row["period"] for row in rn.store.run("period_runs_started")}


def booking_period(rn: Refnet, belongs_to: str) -> str:
    """Where something belonging to `belongs_to` is booked now: that period while it is open,
    else the first open period after it (docs/periods.md)."""
    return first_open(belongs_to, closed_periods(rn))


def _no_close(period: str) -> BadInput:
    return BadInput(f"period: no module of the running plan closes periods like {period!r}")
