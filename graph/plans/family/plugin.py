"""The family plan's module as a plug-in: its period close (the leader's commission) and its
GraphQL types and CLI commands (families, activity, health)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.core.plugin import PlanModule
from graph.ledger.period_close import PeriodRunRecord
from graph.plans.family import commission
from graph.plans.family.plan import FamilyPlan, plan_of

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet



class Family(PlanModule):
    names = ("family",)
    run_total = "paid"  # a family close reports the commission it paid
    graphql = ("api.family",)
    commands = ("cli.family",)

    def period_kind(self, rn: Refnet) -> str | None:
        plan = plan_of(rn)
        return plan.period if plan is not None else None

    def on_close(self, rn: Refnet, period: str) -> PeriodRunRecord:
        return commission.close_period(rn, _plan(rn), period)

    def on_preview(self, rn: Refnet, period: str) -> list[dict[str, Any]]:
        return commission.preview_period(rn, _plan(rn), period)


def _plan(rn: Refnet) -> FamilyPlan:
    plan = plan_of(rn)
    assert plan is not None, "the family module runs only in a plan with a [family] section"
    return plan
