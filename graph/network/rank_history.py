"""Rank history (issue 14): what each closed period used of every member — the differential
plan's career rank, the linkage plan's level (v1–v7) and identity — one `(:RankMonth)` per
member and closed period, written by the period's close and never changed afterwards.
`Member.rank` is the rank of the last closed month; `Member.rankHistory` lists them all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet




@dataclass(frozen=True)
class RankMonth:
    period: str
    rank: str | None  # the career rank (differential) or the level (linkage)
    level: str | None  # linkage: v1–v7, None below v1
    identity: str | None  # linkage: the dividend identity the close used


def record(rn: Refnet, period: str, members: list[dict[str, Any]]) -> int:
    """Records `members` ([{id, rank, level, identity}]) for closed period `period`; a member
    recorded before for that period keeps its record."""
    if not members:
        return 0
    return int(rn.store.run("rank_months_record", {"period": period, "members": members})[0]["recorded"])


def of_members(rn: Refnet, ids: list[str], archived: list[str] | None = None,
               more: list[dict[str, Any]] | None = None) -> dict[str, list[RankMonth]]:
    """Each member's rank history, oldest period first (one query for a batch of members): the
    graph's, leaving out the `archived` periods, with `more` rows (the archive's, issue 19:
    `graph.ledger.history.rank_months`)."""
    found: dict[str, list[RankMonth]] = defaultdict(list)
    rows = [*rn.store.run("rank_months_of_members", {"ids": list(ids), "archived": archived or []}), *(more or [])]
    for row in sorted(rows, key=lambda row: (row["member_id"], row["period"])):
        found[row["member_id"]].append(RankMonth(row["period"], row["rank"], row["level"], row["identity"]))
    return {member_id: found.get(member_id, []) for member_id in ids}
