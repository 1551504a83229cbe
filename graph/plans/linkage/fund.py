"""The state of a member's 20 % mutual fund (rules §6) as the back office shows it: what is
frozen, whether it was released, and how far B1 and B2 are from the release condition.

A read around the rules of `graph.plans.linkage.withdrawals`; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.money import from_cents
from graph.network.members import require_member
from graph.plans.linkage.withdrawals import (
    ACTIVE_STATUSES,
    FirstLine,
    config_of,
    release_due,
)
from graph.plans.linkage.withdrawals_store import first_lines

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet



@dataclass(frozen=True)
class MutualFund:
    member_id: str
    frozen: Decimal
    released: bool
    lines: list[FirstLine]
    lines_needed: int
    orders_needed: int  # B1's and B2's teams need MORE than this many orders
    team_orders: int
    condition_met: bool


def mutual_fund(rn: Refnet, member_id: str) -> MutualFund:
    require_member(rn, member_id, "memberId")
    state = rn.store.run("fund_state", {"id": member_id})[0]
    config = config_of(rn.plan)
    lines = first_lines(rn, member_id, config.release_lines)
    return MutualFund(member_id, from_cents(state["frozen"]), bool(state["released"]), lines,
                      config.release_lines, config.release_orders, sum(line.team_orders for line in lines),
                      release_due(lines, config))


def line_qualifies(line: FirstLine) -> bool:
    return line.status in ACTIVE_STATUSES
