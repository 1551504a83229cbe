"""The linkage plan's modules as plug-ins.

- `linkage` (rules §1, §3): allocates an order — its rewards consume the beneficiaries' quota —
  and gives quota back when a refund reverses a paid reward;
- `points`, `withdrawal`, `dividend_pool`, `level`, `shareholder` (§5–§8): what an order
  changes beyond its allocation, the month close of the pools, and what a refund takes back
  of both. One class serves the five names: they share one effects computation and one close.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from graph.core.money import from_cents, to_cents
from graph.core.periods import MONTH
from graph.core.plan import register_share
from graph.core.plugin import PlanModule, Standing
from graph.ledger.allocation import ALLOCATED
from graph.ledger.drafts import OrderDraft, RefundDraft
from graph.ledger.entries import member_deltas
from graph.ledger.period_close import PeriodRunRecord
from graph.plans.linkage import close as linkage_close
from graph.plans.linkage import order_effects, refunds
from graph.plans.linkage.allocation import (
    LINKAGE_SHARES,
    Allocation,
    Ancestor,
    Holder,
    OrderView,
    allocate,
    config_of,
    status_of,
)
from graph.plans.linkage.batch_reads import (
    ALLOCATION_READS,
    EFFECTS_READS,
    WORKING_READS,
    prefetch_paths,
    prefetch_uplines,
)
from graph.plans.linkage.pools import dividend_config_of, earned_identity, higher_identity

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


register_share("dividend_pool", "dividend_pool", "POOLED", "dividend")
register_share("points_pool", "points", "POOLED", "points")
register_share("level_pool", "level", "POOLED", "level")
register_share("shareholder_pool", "shareholder", "POOLED", "shareholder")


def holder_of(row: dict[str, Any]) -> Holder:
    return Holder(row["id"], row["packages"], row["agent_referrals"], from_cents(row["quota"]),
                  from_cents(row["quota_used"]))


class Linkage(PlanModule):
    names = ("linkage",)
    counts_agent_referrals = True
    moves_member_counters = True
    order_reads = ALLOCATION_READS
    working_reads = WORKING_READS

    def standing(self, plan: Any, member: Standing) -> Standing:
        """customer → agent → boss from packages and agent referrals (rules §3)."""
        return replace(member, status=status_of(member.packages, member.agent_referrals, config_of(plan).boss_threshold))

    def on_order(self, rn: Refnet, draft: OrderDraft) -> None:
        if draft.finishing:
            return
        view = OrderView(
            order_id=draft.order_id,
            amount=from_cents(draft.amount),
            buyer=holder_of(draft.buyer),
            sponsor=holder_of(draft.sponsor) if draft.sponsor is not None else None,
            upline=tuple(
                Ancestor(holder_of(row["holder"]), row["from_slot"], row["r"] or 0,
                         holder_of(row["sponsor"]) if row["sponsor"] is not None else None, row["via"])
                for row in rn.store.run("order_see_point_path", {"id": draft.buyer_id})
            ),
        )
        allocation = allocate(view, draft.plan)
        draft.changes.book(draft.source, allocation.bookings, at=draft.at, order_id=draft.order_id,
                           period=draft.period, plan_version=draft.plan.version)
        for row in member_updates(view, allocation):
            target = draft.changes.member(row["id"])
            for key, value in row.items():
                if key == "status":
                    target[key] = value if value is not None else target[key]
                elif key != "id":
                    target[key] += value
        for name, value in sorted(allocation.pools.items()):
            draft.changes.pool(name)["balance"] += to_cents(value)
        draft.notes[ALLOCATED] = True

    def prefetch_orders(self, rn: Refnet, view: Any, buyer_ids: list[str]) -> None:
        prefetch_paths(view, buyer_ids)  # the see-point paths, and the team paths of `LinkageMonth`

    def on_refund(self, rn: Refnet, draft: RefundDraft) -> None:
        """A reversed PAID reward gives the quota it consumed back (rules §3, §6)."""
        for booking in draft.reversal:
            if booking.status == "PAID" and booking.rule in LINKAGE_SHARES and booking.beneficiary_id is not None:
                draft.changes.member(booking.beneficiary_id)["quota_used"] += to_cents(booking.amount)


def member_updates(view: OrderView, allocation: Allocation) -> list[dict[str, Any]]:
    """Counter deltas (cents) and new statuses of the members an order's allocation moves."""
    rows: dict[str, dict[str, Any]] = {}

    def row(member_id: str) -> dict[str, Any]:
        return rows.setdefault(member_id, {
            "id": member_id, "packages": 0, "quota": 0, "quota_used": 0, "agent_referrals": 0,
            "paid": 0, "frozen": 0, "burned": 0, "status": None,
        })

    buyer = row(view.buyer.member_id)
    buyer["packages"] = 1
    buyer["quota"] = to_cents(allocation.quota_added)
    if view.sponsor is not None and allocation.buyer_became_agent:
        row(view.sponsor.member_id)["agent_referrals"] = 1
    for member_id, status in allocation.statuses.items():
        row(member_id)["status"] = status
    for delta in member_deltas(allocation.bookings):
        target = row(delta["id"])
        for key in ("paid", "frozen", "burned"):
            target[key] += delta[key]
    for member_id, used in allocation.quota_used.items():
        row(member_id)["quota_used"] += to_cents(used)
    return list(rows.values())


class LinkageMonth(PlanModule):
    names = ("points", "withdrawal", "dividend_pool", "level", "shareholder")
    graphql = ("api.pools",)
    keeps_team_counters = True
    order_reads = EFFECTS_READS

    def standing(self, plan: Any, member: Standing) -> Standing:
        """The highest dividend identity reached (by agent referrals, or the partner package)."""
        if not plan.has("dividend_pool"):
            return member
        earned = earned_identity(member.agent_referrals, member.bought, dividend_config_of(plan))
        return replace(member, identity=higher_identity(member.identity, earned))

    def on_order(self, rn: Refnet, draft: OrderDraft) -> None:
        order_effects.contribute(rn, draft)

    def prefetch_orders(self, rn: Refnet, view: Any, buyer_ids: list[str]) -> None:
        prefetch_uplines(view, buyer_ids)

    def period_kind(self, rn: Refnet) -> str | None:
        return MONTH if self._closes(rn) else None

    def on_close(self, rn: Refnet, period: str) -> PeriodRunRecord | None:
        if not self._closes(rn):
            return None
        return linkage_close.close_period(rn, period)

    def on_preview(self, rn: Refnet, period: str) -> list[dict[str, Any]] | None:
        if not self._closes(rn):
            return None
        return linkage_close.preview_period(rn, period)

    @staticmethod
    def _closes(rn: Refnet) -> bool:
        return any(rn.plan.has(name) for name in ("dividend_pool", "level", "shareholder"))

    def on_refund(self, rn: Refnet, draft: RefundDraft) -> None:
        refunds.reverse_closed_splits(rn, draft)
        if draft.plan.has("points"):
            refunds.take_back_points(rn, draft)
        if draft.plan.has("level"):
            refunds.lower_team_sales(rn, draft)
