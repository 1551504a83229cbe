"""Members and trees in GraphQL: the `Member` type, tree reads and registration."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Optional

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from api.context import call, write
from api.orders import Balance, load_balance
from api.permissions import MemberInScope, OwnMemberId, Public, SignedIn, SourceInScope, SourceIsSelf
from api.pools import Identity
from graph.core.errors import Forbidden
from graph.ledger.history import rank_months
from graph.network import members
from graph.network.batch import RegisterItem, RegisterOutcome
from graph.network.members import LineRecord, MemberRecord, TreeNodeRecord
from graph.plans.linkage import withdrawals_store

IN_SCOPE: list[type[BasePermission]] = [SourceInScope]  # the member itself or one of its downlines


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
class RankMonth:
    period: str
    rank: Optional[str] = strawberry.field(description="The career rank (differential) or level (linkage); null: none.")
    level: Optional[str] = strawberry.field(description="Linkage: the level v1–v7 the close used; null below v1.")
    identity: Optional[str] = strawberry.field(description="Linkage: the dividend identity the close used.")


@strawberry.type
class Member:
    record: strawberry.Private[MemberRecord]

    @strawberry.field(permission_classes=[Public])
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field(permission_classes=[Public])
    def name(self) -> str:
        return self.record.name

    @strawberry.field(permission_classes=IN_SCOPE)
    def kind(self) -> MemberKind:
        return MemberKind(self.record.kind)

    @strawberry.field(permission_classes=IN_SCOPE)
    def status(self) -> MemberStatus:
        return MemberStatus(self.record.status)

    @strawberry.field(description="The rank of the last closed month (the differential plan's career rank); "
                                  "every closed month's is in `rankHistory`.", permission_classes=IN_SCOPE)
    def rank(self) -> Optional[str]:
        return self.record.rank

    @strawberry.field(description="What each closed month used of the member, oldest first: the career rank "
                                  "(differential), or the level v1–v7 and identity (linkage).",
                      permission_classes=IN_SCOPE)
    async def rank_history(self, info: Info) -> list[RankMonth]:
        found = await call(rank_months, info.context.rn, [self.record.id])
        return [RankMonth(period=month.period, rank=month.rank, level=month.level, identity=month.identity)
                for month in found[self.record.id]]

    @strawberry.field(description="Placement rotation offset r: slot s is WEALTH iff (s - r) mod 3 = 0.", permission_classes=IN_SCOPE)
    def rotation(self) -> int:
        return self.record.r

    @strawberry.field(permission_classes=IN_SCOPE)
    def registered_at(self) -> datetime:
        return datetime_of(self.record.created_at)

    @strawberry.field(permission_classes=IN_SCOPE)
    async def sponsor(self, info: Info) -> Optional["Member"]:
        return await load_member(info, self.record.sponsor_id)

    @strawberry.field(permission_classes=IN_SCOPE)
    async def placement_parent(self, info: Info) -> Optional["Member"]:
        return await load_member(info, self.record.parent_id)

    @strawberry.field(description="This member's slot under its placement parent.", permission_classes=IN_SCOPE)
    def slot(self) -> Optional[int]:
        return self.record.slot

    @strawberry.field(description="Placement children by slot, with designation and line size.", permission_classes=IN_SCOPE)
    async def lines(self, info: Info) -> list["Line"]:
        records: list[LineRecord] = await info.context.lines.load(self.record.id)
        return [Line(record=line) for line in records]

    @strawberry.field(permission_classes=IN_SCOPE)
    async def direct_referrals(self, info: Info) -> list["Member"]:
        ids: list[str] = await info.context.referrals.load(self.record.id)
        found = await info.context.member.load_many(ids)
        return [Member(record=record) for record in found if record is not None]

    @strawberry.field(permission_classes=IN_SCOPE)
    def landing_slug(self) -> Optional[str]:
        return self.record.landing_slug

    @strawberry.field(description="Money booked to this member: available, frozen, burned, quota left.", permission_classes=[SourceIsSelf])
    async def balance(self, info: Info) -> Balance:
        return await load_balance(info, self.record.id)

    @strawberry.field(description="Identity of the linkage dividend pool (rules §6), null when none.", permission_classes=[SourceIsSelf])
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
        description="Admin only: the partner on whose behalf the company enters this registration (rules §9 "
                    "way 2). A partner registers with its own token instead.",
        deprecation_reason="A partner registers with its own member token; this is the admin's fallback.")


@strawberry.type(description="A member just signed up, as it sees itself: its own fields and its sponsor's id "
                              "and name, nothing else.")
class NewMember:
    record: strawberry.Private[MemberRecord]
    sponsor_name: strawberry.Private[Optional[str]]

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
    def registered_at(self) -> datetime:
        return datetime_of(self.record.created_at)

    @strawberry.field
    def sponsor(self) -> Optional["MemberName"]:
        sponsor_id = self.record.sponsor_id
        return MemberName(id=strawberry.ID(sponsor_id), name=self.sponsor_name or "") if sponsor_id else None


@strawberry.type(description="Another member as far as a member may see it: id and name.")
class MemberName:
    id: strawberry.ID = strawberry.field(permission_classes=[Public])
    name: str = strawberry.field(permission_classes=[Public])


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[MemberInScope])
    async def member(self, info: Info, id: strawberry.ID) -> Optional[Member]:
        return await load_member(info, str(id))

    @strawberry.field(description="Ancestors, nearest first (a member sees its upline's ids and names only).",
                      permission_classes=[MemberInScope])
    async def upline(self, info: Info, id: strawberry.ID, tree: Tree, max_depth: Optional[int] = None) -> list[TreeNode]:
        nodes = await call(members.upline, info.context.rn, str(id), tree.value, max_depth)
        return [TreeNode(record=node) for node in nodes]

    @strawberry.field(description=f"Descendants, breadth-first; maxDepth at most {members.DOWNLINE_MAX_DEPTH}, "
                                  f"at most {members.DOWNLINE_MAX_NODES} nodes.", permission_classes=[MemberInScope])
    async def downline(self, info: Info, id: strawberry.ID, tree: Tree, max_depth: Optional[int] = None) -> list[TreeNode]:
        nodes = await call(members.downline, info.context.rn, str(id), tree.value, max_depth)
        return [TreeNode(record=node) for node in nodes]


def _registering_partner(info: Info, input: RegisterInput) -> str | None:
    """The partner entering a registration (rules §9 way 2): a member registers as itself, under
    itself or its own customers, a customer it names no id for; the admin may still name one."""
    who = info.context.principal
    if who.is_admin:
        return str(input.acting_partner_id) if input.acting_partner_id is not None else None
    if input.id is not None:
        raise Forbidden("id: only an admin chooses member ids")
    if input.kind is not MemberKind.CUSTOMER:
        raise Forbidden("kind: a partner registers customers; partners are registered by the company")
    if input.acting_partner_id is not None and str(input.acting_partner_id) != who.member_id:
        raise Forbidden("actingPartnerId: a member registers only as itself")
    return who.member_id


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admin: any registration. A partner (its own token): a CUSTOMER under itself "
                                     "or one of its own customers (sponsorId defaults to itself).",
                         permission_classes=[SignedIn])
    async def register_member(self, info: Info, input: RegisterInput) -> Member:
        acting = _registering_partner(info, input)
        sponsor_id = str(input.sponsor_id) if input.sponsor_id is not None else None
        if sponsor_id is None and not info.context.is_admin:
            sponsor_id = acting
        item = RegisterItem(input.name, str(input.id) if input.id is not None else None, sponsor_id,
                            input.kind.value, input.landing_slug, acting)
        outcome = await write(info, "register", item, lambda: RegisterOutcome(member=members.register(
            info.context.rn, item.name, sponsor_id=item.sponsor_id, member_id=item.member_id, kind=item.kind,
            landing_slug=item.landing_slug, acting_partner_id=item.acting_partner_id)))
        record = outcome.member
        return Member(record=record)

    @strawberry.mutation(description="Public (no token): registers a CUSTOMER whose sponsor is the member "
                                     "holding the landing page `landingSlug` (rules §9 way 3). Rate-limited per "
                                     "client address and per landing page; only an admin may give an id.",
                         permission_classes=[Public])
    async def sign_up(self, info: Info, landing_slug: str, name: str, id: Optional[strawberry.ID] = None) -> NewMember:
        context = info.context
        if id is not None and not context.is_admin:
            raise Forbidden("id: only an admin chooses member ids")
        if context.signup_limits is not None and not context.is_admin:
            context.signup_limits.take(context.client, landing_slug)
        record = await call(members.sign_up, context.rn, landing_slug, name,
                            member_id=str(id) if id is not None else None)
        sponsor = await context.member.load(record.sponsor_id) if record.sponsor_id else None
        return NewMember(record=record, sponsor_name=sponsor.name if sponsor is not None else None)

    @strawberry.mutation(description="Gives a member the landing page `landingSlug` (unique; its old slug is freed). "
                                     "A member claims its own.", permission_classes=[OwnMemberId])
    async def claim_landing_slug(self, info: Info, member_id: strawberry.ID, landing_slug: str) -> Member:
        record = await call(members.claim_landing_slug, info.context.rn, str(member_id), landing_slug)
        return Member(record=record)
