"""Builders for the family plan: a family with members, gifts, the activity mutation and the test week."""

from __future__ import annotations

from datetime import datetime, timezone

from graph.network.members import register
from graph.plans.family import periods

NOW = periods.bounds("2026-W12")[0] + 2 * 86_400_000  # Wednesday 2026-03-18 00:00 UTC


WEEK = "2026-W10"


WEEK_START = periods.bounds(WEEK)[0]


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")


CREATE = 'mutation($id: ID!, $leader: ID!) { createFamily(id: $id, name: "Sing Along", leaderId: $leader) { id leader { id } } }'


ADD = "mutation($f: ID!, $m: ID!, $role: FamilyRole) { addFamilyMember(familyId: $f, memberId: $m, role: $role) { members { member { id } role } } }"


RECORD = "mutation($f: ID!, $events: [ActivityInput!]!) { recordActivity(familyId: $f, events: $events) }"


def family(gql, rn, members: list[str], family_id: str = "F", leader: str = "L") -> None:
    """A family whose members joined three weeks before WEEK (so gaps count from their activity)."""
    rn.clock = lambda: WEEK_START - 21 * 86_400_000
    register(rn, f"Leader {leader}", member_id=leader)
    for member_id in members:
        register(rn, f"Singer {member_id}", sponsor_id=leader, member_id=member_id)
    gql.ok(CREATE, id=family_id, leader=leader)
    for member_id in members:
        gql.ok(ADD, f=family_id, m=member_id)
    rn.clock = lambda: NOW


def gift(member: str, diamonds: int, at: int = WEEK_START + 86_400_000, kind: str = "LIVE_GIFT") -> dict:
    return {"memberId": member, "type": kind, "at": iso(at), "diamonds": diamonds}


def a_family_and_a_late_one(gql, rn) -> None:
    """Family A (leader LA, singer a) with a's gift in WEEK, and family B (leader LB, singer b),
    made later (at NOW) with no activity yet: a family that will close WEEK after A did."""
    family(gql, rn, ["a"], "A", "LA")
    gql.ok(RECORD, f="A", events=[gift("a", 9000)])
    register(rn, "Late leader", member_id="LB")
    register(rn, "Late singer", sponsor_id="LB", member_id="b")
    gql.ok(CREATE, id="B", leader="LB")
    gql.ok(ADD, f="B", m="b")
