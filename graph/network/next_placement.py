"""Where a sponsor's next referral would be placed, without placing it, and whether one member
lies in another's network: what the back office shows and what a member may look at.

Thin reads around the rule of `graph.network.placement`; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.network.members import _sponsor_view, read_chain, require_member
from graph.network.placement import LineKind, choose_target

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet



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


def in_network(rn: Refnet, root_id: str, member_id: str) -> bool:
    """Whether `member_id` is `root_id` or below it in either tree."""
    if member_id == root_id:
        return True
    row = rn.store.run("member_in_scope", {"id": member_id, "root": root_id})[0]
    return bool(row["sponsor"] or row["placement"])
