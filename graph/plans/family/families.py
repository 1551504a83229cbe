"""Families in the graph: `(:Family)-[:LED_BY]->(:Member)`, `(:Member)-[:MEMBER_OF {role, since}]->(:Family)`.

A member belongs to at most one family at a time, either as its leader or as a member (role
MEMBER, VICE or HOST). Every change is logged as a `(:FamilyChange)-[:OF]->(:Family)` with
its date (and the reason of a removal), as the seed advises.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.core.errors import BadInput, Conflict, NotFound
from graph.network.members import check_member_id, check_name
from graph.plans.family.plan import ROLES
from graph.store.store import Conflicted, Row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.family")

REASON_MAX = 500


@dataclass(frozen=True)
class FamilyMemberRecord:
    member_id: str
    role: str
    since: int


@dataclass(frozen=True)
class FamilyRecord:
    id: str
    name: str
    leader_id: str
    created_at: int
    members: tuple[FamilyMemberRecord, ...]

    def member(self, member_id: str) -> FamilyMemberRecord | None:
        return next((m for m in self.members if m.member_id == member_id), None)


@dataclass(frozen=True)
class FamilyChangeRecord:
    member_id: str
    action: str  # CREATED, JOINED, ROLE_CHANGED, REMOVED
    role: str
    previous_role: str | None
    reason: str | None
    at: int


def _family(row: Row) -> FamilyRecord:
    members = sorted(
        (FamilyMemberRecord(m["member_id"], m["role"], m["since"]) for m in row["members"]),
        key=lambda m: m.member_id,
    )
    return FamilyRecord(row["id"], row["name"], row["leader_id"], row["created_at"], tuple(members))


def get_families(rn: Refnet, ids: list[str]) -> dict[str, FamilyRecord]:
    return {row["id"]: _family(row) for row in rn.store.run("family/by_ids", {"ids": list(ids)})}


def get_family(rn: Refnet, family_id: str) -> FamilyRecord | None:
    return get_families(rn, [family_id]).get(family_id)


def require_family(rn: Refnet, family_id: str, field: str = "familyId") -> FamilyRecord:
    family = get_family(rn, check_member_id(family_id, field))
    if family is None:
        raise NotFound(f"{field}: no family with id {family_id!r}")
    return family


def changes(rn: Refnet, family_id: str) -> list[FamilyChangeRecord]:
    return [FamilyChangeRecord(**row) for row in rn.store.run("family/changes", {"family_id": family_id})]


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BadInput(f"role: must be one of {', '.join(ROLES)}")
    return role


def _read(rn: Refnet, family_id: str, member_id: str) -> Row:
    return rn.store.run("family/membership_read", {"family_id": family_id, "member_id": member_id})[0]


def _belongs_elsewhere(view: Row, member_id: str, field: str) -> None:
    if view["member_family_id"] is not None:
        raise Conflict(f"{field}: member {member_id!r} already belongs to family {view['member_family_id']!r} "
                       "(a member belongs to one family at a time)")
    if view["leads_family_id"] is not None:
        raise Conflict(f"{field}: member {member_id!r} already leads family {view['leads_family_id']!r}")


def _write(rn: Refnet, query: str, params: dict) -> None:
    if not rn.store.run(query, {**params, "now": rn.clock()}):
        raise Conflicted()


def create_family(rn: Refnet, family_id: str, name: str, leader_id: str) -> FamilyRecord:
    """A new family led by `leader_id`; Conflict when the id is taken or the leader is in a family."""
    check_member_id(family_id, "id")
    name = check_name(name)
    check_member_id(leader_id, "leaderId")

    def attempt() -> None:
        view = _read(rn, family_id, leader_id)
        if view["family_found"]:
            raise Conflict(f"id: a family with id {family_id!r} already exists")
        if not view["member_found"]:
            raise NotFound(f"leaderId: no member with id {leader_id!r}")
        _belongs_elsewhere(view, leader_id, "leaderId")
        _write(rn, "family/create", {"version": view["version"], "id": family_id, "name": name, "leader_id": leader_id})

    rn.guard(attempt)
    log.info("created family %s led by %s", family_id, leader_id)
    return require_family(rn, family_id, "id")


def _member_view(rn: Refnet, family_id: str, member_id: str) -> Row:
    check_member_id(family_id, "familyId")
    check_member_id(member_id, "memberId")
    view = _read(rn, family_id, member_id)
    if not view["family_found"]:
        raise NotFound(f"familyId: no family with id {family_id!r}")
    if not view["member_found"]:
        raise NotFound(f"memberId: no member with id {member_id!r}")
    return view


def add_member(rn: Refnet, family_id: str, member_id: str, role: str = "MEMBER") -> FamilyRecord:
    check_role(role)

    def attempt() -> None:
        view = _member_view(rn, family_id, member_id)
        if view["member_family_id"] == family_id:
            raise Conflict(f"memberId: {member_id!r} is already a {view['role']} of family {family_id!r}; "
                           "change its role with setFamilyRole")
        _belongs_elsewhere(view, member_id, "memberId")
        _write(rn, "family/member_add", {"version": view["version"], "family_id": family_id,
                                         "member_id": member_id, "role": role})

    rn.guard(attempt)
    log.info("family %s: %s joined as %s", family_id, member_id, role)
    return require_family(rn, family_id)


def _current_member(view: Row, family_id: str, member_id: str) -> None:
    if view["member_family_id"] != family_id:
        raise NotFound(f"memberId: {member_id!r} is not a member of family {family_id!r}")


def set_role(rn: Refnet, family_id: str, member_id: str, role: str) -> FamilyRecord:
    """Promotes or demotes a member (logged with the previous role); the same role is a no-op."""
    check_role(role)

    def attempt() -> None:
        view = _member_view(rn, family_id, member_id)
        _current_member(view, family_id, member_id)
        if view["role"] == role:
            return
        _write(rn, "family/member_role", {"version": view["version"], "family_id": family_id,
                                          "member_id": member_id, "role": role})

    rn.guard(attempt)
    log.info("family %s: %s is now %s", family_id, member_id, role)
    return require_family(rn, family_id)


def remove_member(rn: Refnet, family_id: str, member_id: str, reason: str) -> FamilyRecord:
    """Removes a member, logging the date and the reason; its recorded activity stays."""
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("reason: must not be empty (removals are logged with their reason)")
    if len(reason) > REASON_MAX:
        raise BadInput(f"reason: at most {REASON_MAX} characters")

    def attempt() -> None:
        view = _member_view(rn, family_id, member_id)
        _current_member(view, family_id, member_id)
        _write(rn, "family/member_remove", {"version": view["version"], "family_id": family_id,
                                            "member_id": member_id, "reason": reason})

    rn.guard(attempt)
    log.info("family %s: removed %s (%s)", family_id, member_id, reason)
    return require_family(rn, family_id)
