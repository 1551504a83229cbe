"""The families to pick from on the dashboard: every one (admin) or those a member leads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet




@dataclass(frozen=True)
class FamilyRef:
    id: str
    name: str
    leader_id: str


def families(rn: Refnet) -> list[FamilyRef]:
    return [FamilyRef(row["id"], row["name"], row["leader_id"]) for row in rn.store.run("families_named")]


def families_led(rn: Refnet, member_id: str) -> list[FamilyRef]:
    rows = rn.store.run("families_led", {"id": member_id})
    return [FamilyRef(row["id"], row["name"], row["leader_id"]) for row in rows]
