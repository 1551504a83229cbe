"""GraphQL reads the back office needs beside the existing ones: where a sponsor's next referral
goes, a member's mutual fund and its release condition, and the families to pick from."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import call
from api.members import LineKind, Member, MemberStatus, load_member
from api.permissions import REACHABLE_TYPES, MemberInScope, OwnMemberId, SignedIn
from api.scalars import Money
from graph.network import next_placement as placing
from graph.plans.family import listing
from graph.plans.linkage import fund as funds


@strawberry.type(description="Where a sponsor's next referral would be placed (rules §2), without placing it.")
class NextPlacement:
    sponsor_id: strawberry.ID
    k: int = strawberry.field(description="The referral's number among the sponsor's direct referrals.")
    slid: bool = strawberry.field(description="True when it slides down into one of the sponsor's lines.")
    aimed_at: LineKind | None = strawberry.field(description="The designation the slide aims at.")
    via_slot: int | None = strawberry.field(description="The sponsor's line (slot) it slides into.")
    parent_id: strawberry.ID = strawberry.field(description="The member it would be placed under.")
    slot: int = strawberry.field(description="The slot it would take under that member.")

    @strawberry.field
    async def parent(self, info: Info) -> Member:
        return await load_member(info, str(self.parent_id))  # type: ignore[return-value]


@strawberry.type(description="B1 or B2 of the mutual fund's release condition (rules §6).")
class FundLine:
    member_id: strawberry.ID
    status: MemberStatus
    team_orders: int = strawberry.field(description="Orders in its placement subtree, itself included.")
    qualifies: bool = strawberry.field(description="An agent or a boss.")

    @strawberry.field
    async def member(self, info: Info) -> Member:
        return await load_member(info, str(self.member_id))  # type: ignore[return-value]


@strawberry.type(description="The 20 % mutual fund (rules §6): frozen money and how far its release is.")
class MutualFund:
    member_id: strawberry.ID
    frozen: Money
    released: bool
    lines: list[FundLine] = strawberry.field(description="B1, B2: the first direct referrals, by registration.")
    lines_needed: int
    orders_needed: int = strawberry.field(description="B1's and B2's teams together need MORE orders than this.")
    team_orders: int
    condition_met: bool


@strawberry.type(description="A family to pick on the dashboard.")
class FamilyRef:
    id: strawberry.ID
    name: str
    leader_id: strawberry.ID


# Their fields are open to whoever may call the field that returns them.
REACHABLE_TYPES.update({"NextPlacement", "FundLine", "MutualFund", "FamilyRef"})


class SponsorInScope(MemberInScope):
    """Admin, or a member asking about itself or one of its downlines as the sponsor."""

    argument = "sponsor_id"


@strawberry.type
class Query:
    @strawberry.field(description="Where the sponsor's next referral would be placed (rules §2); places nothing.",
                      permission_classes=[SponsorInScope])
    async def next_placement(self, info: Info, sponsor_id: strawberry.ID) -> NextPlacement:
        found = await call(placing.next_placement, info.context.rn, str(sponsor_id))
        return NextPlacement(
            sponsor_id=strawberry.ID(found.sponsor_id), k=found.k, slid=found.slid,
            aimed_at=LineKind(found.aimed_at.value) if found.aimed_at is not None else None,
            via_slot=found.via_slot, parent_id=strawberry.ID(found.parent_id), slot=found.slot)

    @strawberry.field(description="A member's mutual fund: frozen money and the B1/B2 release condition.",
                      permission_classes=[OwnMemberId])
    async def mutual_fund(self, info: Info, member_id: strawberry.ID) -> MutualFund:
        fund = await call(funds.mutual_fund, info.context.rn, str(member_id))
        return MutualFund(
            member_id=strawberry.ID(fund.member_id), frozen=Money(fund.frozen), released=fund.released,
            lines=[FundLine(member_id=strawberry.ID(line.member_id), status=MemberStatus(line.status),
                            team_orders=line.team_orders, qualifies=funds.line_qualifies(line))
                   for line in fund.lines],
            lines_needed=fund.lines_needed, orders_needed=fund.orders_needed, team_orders=fund.team_orders,
            condition_met=fund.condition_met)

    @strawberry.field(description="Families by id: every one for the admin, the ones it leads for a member.",
                      permission_classes=[SignedIn])
    async def families(self, info: Info) -> list[FamilyRef]:
        principal = info.context.principal
        member_id = principal.member_id
        if principal.kind.value == "ADMIN" or member_id is None:
            found = await call(listing.families, info.context.rn)
        else:
            found = await call(listing.families_led, info.context.rn, member_id)
        return [FamilyRef(id=strawberry.ID(ref.id), name=ref.name, leader_id=strawberry.ID(ref.leader_id))
                for ref in found]
