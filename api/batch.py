"""Batch writes in GraphQL (issue 18): `registerMembers` books many registrations at once and
answers one result per input, in order: the member, or the coded error of that input alone."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.members import Member, RegisterInput
from api.permissions import AdminOnly
from graph.network import batch
from graph.network.batch import RegisterItem, RegisterOutcome


@strawberry.type(description="Why one input of a batch was refused; the batch's other inputs are unaffected.")
class ItemError:
    code: str = strawberry.field(description="BAD_INPUT, NOT_FOUND, CONFLICT or FORBIDDEN, as for the single call.")
    message: str


@strawberry.type(description="One input of registerMembers: the member booked, or the error it alone failed with.")
class RegisterResult:
    member: Optional[Member]
    error: Optional[ItemError]

    @classmethod
    def of(cls, outcome: RegisterOutcome) -> "RegisterResult":
        if outcome.error is not None:
            return cls(member=None, error=ItemError(code=outcome.error.code, message=outcome.error.message))
        assert outcome.member is not None  # an outcome holds a member or an error
        return cls(member=Member(record=outcome.member), error=None)


def item_of(input: RegisterInput) -> RegisterItem:
    return RegisterItem(
        name=input.name,
        member_id=str(input.id) if input.id is not None else None,
        sponsor_id=str(input.sponsor_id) if input.sponsor_id is not None else None,
        kind=input.kind.value,
        landing_slug=input.landing_slug,
        acting_partner_id=str(input.acting_partner_id) if input.acting_partner_id is not None else None,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description=f"Admin: registers many members in one booking, in order, exactly as "
                                     f"registerMember one by one would (at most {batch.MAX_BATCH} inputs). One "
                                     f"result per input: a bad input fails alone and the others are booked.",
                         permission_classes=[AdminOnly])
    async def register_members(self, info: Info, inputs: list[RegisterInput]) -> list[RegisterResult]:
        require_admin(info)
        outcomes = await call(batch.register_many, info.context.rn, [item_of(input) for input in inputs])
        return [RegisterResult.of(outcome) for outcome in outcomes]
