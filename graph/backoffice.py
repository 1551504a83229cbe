"""What the back office shows beside the plain reads: where a sponsor's next referral would
go, the state of a member's mutual fund, the families to pick from, and a member's own network.

Thin reads around the rules of `graph.placement` and `graph.withdrawals`; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from graph.members import _sponsor_view, read_chain, require_member
from graph.money import from_cents
from graph.placement import LineKind, choose_target
from graph.service import Refnet
from graph.withdrawals import ACTIVE_STATUSES, FirstLine, config_of, release_due
from graph.withdrawals_store import first_lines


@dataclass(frozen=True)
class NextPlacement:
    """Rules §2 for the sponsor's next referral: its number k, whether it slides (and into which
    of the sponsor's lines, aiming at which designation), and the parent and slot it would get."""

    sponsor_id: str
    k: int
    slid: bool
    aimed_at: LineKind | None
    via_slot: int | None
    parent_id: str
    slot: int


def next_placement(rn: Refnet, sponsor_id: str) -> NextPlacement:
    require_member(rn, sponsor_id, "sponsorId")
    row = rn.store.run("placement_sponsor", {"id": sponsor_id, "new_id": "", "slug_key": ""})[0]
    decision = choose_target(_sponsor_view(row))
    parent = next(read_chain(rn, decision.target_id))
    return NextPlacement(sponsor_id, decision.k, decision.slid, decision.aimed_at, decision.via_slot,
                         parent.member_id, parent.children + 1)


@dataclass(frozen=True)
class MutualFund:
    """The 20 % mutual fund of rules §6: what is frozen, whether it was released, and how far
    B1 and B2 are from the release condition."""

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


@dataclass(frozen=True)
class FamilyRef:
    id: str
    name: str
    leader_id: str


def families(rn: Refnet) -> list[FamilyRef]:
    return [FamilyRef(row["id"], row["name"], row["leader_id"]) for row in rn.store.run("web/families")]


def families_led(rn: Refnet, member_id: str) -> list[FamilyRef]:
    rows = rn.store.run("web/families_led", {"id": member_id})
    return [FamilyRef(row["id"], row["name"], row["leader_id"]) for row in rows]


def in_network(rn: Refnet, root_id: str, member_id: str) -> bool:
    """Whether `member_id` is `root_id` or below it in either tree: what a member may look at."""
    if member_id == root_id:
        return True
    row = rn.store.run("web/member_in_scope", {"id": member_id, "root": root_id})[0]
    return bool(row["sponsor"] or row["placement"])
