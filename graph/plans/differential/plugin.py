"""The differential plan's module as a plug-in: orders wait for their month (no booking when
recorded), the month close books them, and a refund reverses what that close booked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput
from graph.core.periods import MONTH
from graph.core.plugin import PlanModule
from graph.ledger.allocation import ALLOCATED
from graph.ledger.drafts import OrderDraft
from graph.ledger.entry_ids import EntrySource
from graph.ledger.period_close import PeriodRunRecord
from graph.plans.differential import close as differential_close

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


SETTLE = "differential"  # the order's `settle` flag: booked by its month's close


class Differential(PlanModule):
    names = ("differential",)
    statuses_by_kind = True
    # history counts for its month's volumes and ranks, and no close pays it
    imported_order_flags = {"settle": SETTLE, "closed_in": "import"}
    run_total = "paid"  # a month close reports what it paid (docs/differential.md)
    graphql = ("api.differential",)

    def on_order(self, rn: Refnet, draft: OrderDraft) -> None:
        """Refuses a buyer referring itself; books nothing: the close of its month books it, or for
        a late order of a closed month the close of the first open month (`settle_in`)."""
        if draft.finishing:
            return
        if draft.referrer_id is not None and draft.referrer_id == draft.buyer_id:
            raise BadInput("referrerId: a buyer cannot be the referrer of its own order")
        draft.flags["settle"] = SETTLE
        draft.flags["settle_in"] = draft.booked_in or draft.period
        draft.notes[ALLOCATED] = True  # its month's close books it

    def period_kind(self, rn: Refnet) -> str | None:
        return MONTH

    def on_close(self, rn: Refnet, period: str) -> PeriodRunRecord:
        return differential_close.close_period(rn, period).summary()

    def on_preview(self, rn: Refnet, period: str) -> list[dict[str, Any]]:
        return differential_close.preview_period(rn, period)

    def allocation_sources(self, order: dict[str, Any]) -> list[EntrySource] | None:
        """Booked at its month's close (`period:<month>:order:<id>`); nothing before it."""
        if order.get("settle") != SETTLE:
            return None
        closed = order.get("closed_in")
        return [differential_close.order_source(closed, order["id"])] if closed else []
