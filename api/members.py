"""Members and trees in GraphQL: the `Member` type, tree reads and registration."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.orders import Balance, load_balance
from api.pools import Identity
from graph.plans.linkage import withdrawals_store
from graph.network import members
from graph.network.members import LineRecord, MemberRecord, TreeNodeRecord


@strawberry.enum
class Tree(Enum):
    SPONSOR = "SPONSOR"
    PLACEMENT = "PLACEMENT"


@strawberry.enum
class LineKind(Enum):
    WEALTH = "WEALTH"
    CONTRIBUTION = "CONTRIBUTION"


@strawberry.enum
class MemberKind(Enum):
    PARTNER = "PARTNER"
    CUSTOMER = "CUSTOMER"


@strawberry.enum
class MemberStatus(Enum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
    BOSS = "BOSS"


def datetime_of(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


@strawberry.type
class Member:
    record: strawberry.Private[MemberRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def kind(self) -> MemberKind:
        return MemberKind(self.record.kind)

    @strawberry.field
    def status(self) -> MemberStatus:
        return MemberStatus(self.record.status)

    @strawberry.field(description="Career rank of the last closed month (differential / level plans).")
    def rank(self) -> Optional[str]:
        return self.record.rank

    @strawberry.field(description="Placement rotation offset r: slot s is WEALTH iff (s - r) mod 3 = 0.")
    def rotation(self) -> int:
        return self.record.r

    @strawberry.field
    def registered_at(self) -> datetime:
        return datetime_of(self.record.created_at)

    @strawberry.field
    async def sponsor(self, info: Info) -> Optional["Member"]:
        return await load_member(info, self.record.sponsor_id)

    @strawberry.field
    async def placement_parent(self, info: Info) -> Optional["Member"]:
        return await load_member(info, self.record.parent_id)

    @strawberry.field(description="This member's slot under its placement parent.")
    def slot(self) -> Optional[int]:
        return self.record.slot

    @strawberry.field(description="Placement children by slot, with designation and line size.")
    async def lines(self, info: Info) -> list["Line"]:
        records: list[LineRecord] = await info.context.lines.load(self.record.id)
        return [Line(record=line) for line in records]

    @strawberry.field
    async def direct_referrals(self, info: Info) -> list["Member"]:
        ids: list[str] = await info.context.referrals.load(self.record.id)
        found = await info.context.member.load_many(ids)
        return [Member(record=record) for record in found if record is not None]

    @strawberry.field
    def landing_slug(self) -> Optional[str]:
        return self.record.landing_slug

    @strawberry.field(description="Money booked to this member: available, frozen, burned, quota left.")
    async def balance(self, info: Info) -> Balance:
        return await load_balance(info, self.record.id)

    @strawberry.field(description="Identity of the linkage dividend pool (rules §6), null when none.")
    async def identity(self, info: Info) -> Optional[Identity]:
        value = await info.context.loader("identity", withdrawals_store.identities_of).load(self.record.id)
        return Identity(value) if value is not None else None


@strawberry.type
class Line:
    record: strawberry.Private[LineRecord]

    @strawberry.field
    def slot(self) -> int:
        return self.record.slot

    @strawberry.field
    def kind(self) -> LineKind:
        return LineKind(self.record.kind.value)

    @strawberry.field(description="Members in that line (the child's placement subtree, itself included).")
    def size(self) -> int:
        return self.record.size

    @strawberry.field
    async def member(self, info: Info) -> Member:
        return await load_member(info, self.record.member_id)  # type: ignore[return-value]


@strawberry.type
class TreeNode:
    record: strawberry.Private[TreeNodeRecord]

    @strawberry.field
    async def member(self, info: Info) -> Member:
        return await load_member(info, self.record.member_id)  # type: ignore[return-value]

    @strawberry.field
    def depth(self) -> int:
        return self.record.depth

    @strawberry.field
    def parent_id(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.parent_id) if self.record.parent_id else None

    @strawberry.field
    def slot(self) -> Optional[int]:
        return self.record.slot


async def load_member(info: Info, member_id: str | None) -> Member | None:
    if member_id is None:
        return None
    record = await info.context.member.load(member_id)
    return Member(record=record) if record is not None else None


@strawberry.input
class RegisterInput:
    name: str
    id: Optional[strawberry.ID] = None
    sponsor_id: Optional[strawberry.ID] = None
    kind: MemberKind = MemberKind.PARTNER
    landing_slug: Optional[str] = strawberry.field(
        default=None, description="Claims this landing page for the new member (3–40 of a-z, 0-9, -).")
    acting_partner_id: Optional[strawberry.ID] = strawberry.field(
        default=None,
        description="The partner entering this registration (rules §9 way 2): it may register only "
                    "under itself or its own customers. Omitted: the company enters it.")


@strawberry.type
class Query:
    @strawberry.field
    async def member(self, info: Info, id: strawberry.ID) -> Optional[Member]:
        require_admin(info)
        return await load_member(info, str(id))

    @strawberry.field(description="Ancestors, nearest first.")
    async def upline(self, info: Info, id: strawberry.ID, tree: Tree, max_depth: Optional[int] = None) -> list[TreeNode]:
        require_admin(info)
        nodes = await call(members.upline, info.context.rn, str(id), tree.value, max_depth)
        return [TreeNode(record=node) for node in nodes]

    @strawberry.field(description=f"Descendants, breadth-first; maxDepth at most {members.DOWNLINE_MAX_DEPTH}, "
                                  f"at most {members.DOWNLINE_MAX_NODES} nodes.")
    async def downline(self, info: Info, id: strawberry.ID, tree: Tree, max_depth: Optional[int] = None) -> list[TreeNode]:
        require_admin(info)
        nodes = await call(members.downline, info.context.rn, str(id), tree.value, max_depth)
        return [TreeNode(record=node) for node in nodes]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def register_member(self, info: Info, input: RegisterInput) -> Member:
        require_admin(info)
        record = await call(
            members.register, info.context.rn, input.name,
            sponsor_id=str(input.sponsor_id) if input.sponsor_id is not None else None,
            member_id=str(input.id) if input.id is not None else None,
            kind=input.kind.value,
            landing_slug=input.landing_slug,
            acting_partner_id=str(input.acting_partner_id) if input.acting_partner_id is not None else None,
        )
        return Member(record=record)

    @strawberry.mutation(description="Public (no token): registers a CUSTOMER whose sponsor is the member "
                                     "holding the landing page `landingSlug` (rules §9 way 3).")
    async def sign_up(self, info: Info, landing_slug: str, name: str, id: Optional[strawberry.ID] = None) -> Member:
        record = await call(members.sign_up, info.context.rn, landing_slug, name,
                            member_id=str(id) if id is not None else None)
        return Member(record=record)

    @strawberry.mutation(description="Gives a member the landing page `landingSlug` (unique; its old slug is freed).")
    async def claim_landing_slug(self, info: Info, member_id: strawberry.ID, landing_slug: str) -> Member:
        require_admin(info)
        record = await call(members.claim_landing_slug, info.context.rn, str(member_id), landing_slug)
        return Member(record=record)
