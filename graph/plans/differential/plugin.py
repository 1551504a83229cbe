"""The differential plan's module as a plug-in: orders wait for their month (no booking when
recorded), the month close books them, and a refund reverses what that close booked."""

from __future__ import annotations

from typing import Any

from graph.core.errors import BadInput, Conflict
from graph.core.plugin import PlanModule
from graph.ledger.allocation import ALLOCATED
from graph.ledger.drafts import OrderDraft
from graph.ledger.entry_ids import EntrySource
from graph.ledger.period_close import PeriodRunRecord
from graph.plans.differential import close as differential_close
from graph.service import Refnet

SETTLE = "differential"  # the order's `settle` flag: booked by its month's close


class Differential(PlanModule):
    names = ("differential",)
    graphql = ("api.differential",)

    def on_order(self, rn: Refnet, draft: OrderDraft) -> None:
        """Refuses a buyer referring itself and a month already closed; books nothing."""
        if draft.finishing:
            return
        if draft.referrer_id is not None and draft.referrer_id == draft.buyer_id:
            raise BadInput("referrerId: a buyer cannot be the referrer of its own order")
        run = rn.store.run("differential_run_by_id", {"id": differential_close.run_id(draft.period)})[0]["run"]
        if run is not None:
            raise Conflict(f"at: the month {draft.period} is already closed (period run {run['state'].lower()}); "
                           "record the order in an open month")
        draft.flags["settle"] = SETTLE
        draft.notes[ALLOCATED] = True  # its month's close books it

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
