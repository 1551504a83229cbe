"""`closePeriod` for whatever plan the deployment runs: one entry point, one run record.

Each plan closes its own periods through its modules' `on_close` / `on_preview` hooks
(`graph.core.plugin`); the first module of the running plan that closes periods does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.core.errors import BadInput
from graph.core.plugin import plugins
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

    _check(period)
    finish_half_done(rn)
    for module in plugins(rn):
        record = module.on_close(rn, period)
        if record is not None:
            return record
    raise _no_close(period)


def preview_period(rn: Refnet, period: str) -> list[dict[str, Any]]:
    """The entry rows `close_period(period)` would book now, booking nothing (issue 8)."""
    _check(period)
    for module in plugins(rn):
        rows = module.on_preview(rn, period)
        if rows is not None:
            return rows
    raise _no_close(period)


def _check(period: str) -> None:
    if not isinstance(period, str):
        raise BadInput("period: must be a string like 2026-11 or 2026-W48")


def _no_close(period: str) -> BadInput:
    return BadInput(f"period: no module of the running plan closes periods like {period!r}")
