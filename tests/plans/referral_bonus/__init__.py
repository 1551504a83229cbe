"""A fourth plan, entirely in this folder: a flat referral bonus (5 % of every order to the
buyer's sponsor, the rest retained). Its plan file names this package as its module; nothing
outside this folder knows it exists."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from graph.core.money import fmt_money, from_cents, percent, share
from graph.core.plan import check_keys, rate_value
from graph.core.plugin import PlanModule
from graph.ledger.allocation import ALLOCATED
from graph.ledger.drafts import OrderDraft
from graph.ledger.entries import Booking, check_conservation, member_deltas
from graph.service import Refnet

RULE = "referral_bonus"


class ReferralBonus(PlanModule):
    section = "referral_bonus"

    @classmethod
    def parse(cls, table: Mapping[str, Any], where: str) -> Decimal:
        check_keys(table, ("rate",), where)
        return rate_value(table, "rate", where)

    def on_order(self, rn: Refnet, draft: OrderDraft) -> None:
        if draft.finishing:
            return
        amount = from_cents(draft.amount)
        rate = draft.plan.section(self.section)
        bonus = share(amount, rate)
        head = f"{RULE} {percent(rate)} of {fmt_money(amount)} = {fmt_money(bonus)}"
        bookings = []
        if draft.sponsor is not None and bonus > 0:
            bookings.append(Booking(RULE, "PAID", bonus, f"{head} to sponsor {draft.sponsor['id']}",
                                    draft.sponsor["id"]))
        rest = amount - sum((b.amount for b in bookings), Decimal("0.00"))
        bookings.append(Booking("platform", "RETAINED", rest, f"{fmt_money(rest)} of {fmt_money(amount)} retained"))
        check_conservation(bookings, amount, f"order {draft.order_id}")
        draft.changes.book(draft.source, bookings, at=draft.at, order_id=draft.order_id, period=draft.period,
                           plan_version=draft.plan.version)
        for delta in member_deltas(bookings):
            draft.changes.member(delta["id"])["paid"] += delta["paid"]
        draft.notes[ALLOCATED] = True
