"""Signing in, in GraphQL: `me` (who the caller is) and the admin's member tokens."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from api.auth import PrincipalKind
from api.context import call
from api.permissions import Public
from graph.access import tokens


@strawberry.type(name="Principal", description="Who is calling: the principal of this request.")
class PrincipalView:
    kind: PrincipalKind
    member_id: Optional[strawberry.ID]
    name: Optional[str]


@strawberry.type
class Query:
    @strawberry.field(description="Public: the caller's principal (ANONYMOUS without a valid token).",
                      permission_classes=[Public])
    def me(self, info: Info) -> PrincipalView:
        who = info.context.principal
        return PrincipalView(kind=who.kind, member_id=strawberry.ID(who.member_id) if who.member_id else None,
                             name=who.name)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admin: a new bearer token for the member, shown only now (only its digest "
                                     "is stored). Valid REFNET_MEMBER_TOKEN_DAYS days (default 90).")
    async def create_member_token(self, info: Info, member_id: strawberry.ID) -> str:
        return await call(tokens.create_token, info.context.rn, str(member_id))

    @strawberry.mutation(description="Admin: revokes every token of the member; returns how many there were.")
    async def revoke_member_tokens(self, info: Info, member_id: strawberry.ID) -> int:
        return await call(tokens.revoke_tokens, info.context.rn, str(member_id))
