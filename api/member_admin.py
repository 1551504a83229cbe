"""Member administration in GraphQL (issue 16): the `members` connection, `updateMember`,
`moveMember` and the `treeMoves` audit. Admin only."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.members import Member, MemberKind, MemberStatus, datetime_of
from api.orders import ms_of
from graph.admin import member_admin
from graph.admin.member_admin import TreeMoveRecord


@strawberry.type
class MemberEdge:
    cursor: str
    node: Member


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: Optional[str]


@strawberry.type(description="A page of members in registration order (Relay-style).")
class MemberConnection:
    edges: list[MemberEdge]
    page_info: PageInfo


@strawberry.enum
class MoveTree(Enum):
    SPONSOR = "SPONSOR"
    PLACEMENT = "PLACEMENT"


@strawberry.type(description="The audit record of an admin's move of a member in one of the trees.")
class TreeMove:
    record: strawberry.Private[TreeMoveRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.member_id)

    @strawberry.field
    def tree(self) -> MoveTree:
        return MoveTree(self.record.tree)

    @strawberry.field(description="The old sponsor or placement parent.")
    def from_id(self) -> Optional[strawberry.ID]:
        return strawberry.ID(self.record.from_id) if self.record.from_id is not None else None

    @strawberry.field(description="The new sponsor or placement parent.")
    def to_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.to_id)

    @strawberry.field
    def from_slot(self) -> Optional[int]:
        return self.record.from_slot

    @strawberry.field
    def to_slot(self) -> Optional[int]:
        return self.record.to_slot

    @strawberry.field
    def reason(self) -> str:
        return self.record.reason

    @strawberry.field(description="Who moved it.")
    def by(self) -> str:
        return self.record.by

    @strawberry.field(description="When the admin made the move.")
    def at(self) -> datetime:
        return datetime_of(self.record.at)

    @strawberry.field(description="When the move takes effect: `at`, or a moment of an open period it was dated "
                                  "back to.")
    def effective_at(self) -> datetime:
        return datetime_of(self.record.effective_at)


@strawberry.type
class Query:
    @strawberry.field(description="Admin: members in registration order; `search` matches id or name "
                                  "(case-insensitive); `first` at most 500.")
    async def members(self, info: Info, first: int = 50, after: Optional[str] = None, search: Optional[str] = None,
                      kind: Optional[MemberKind] = None, status: Optional[MemberStatus] = None) -> MemberConnection:
        require_admin(info)
        page = await call(member_admin.list_members, info.context.rn, first, after, search,
                          kind.value if kind is not None else None, status.value if status is not None else None)
        edges = [MemberEdge(cursor=cursor, node=Member(record=record))
                 for record, cursor in zip(page.members, page.cursors, strict=True)]
        return MemberConnection(edges=edges, page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None))

    @strawberry.field(description="Admin: the audit records of tree moves (of one member, or all), oldest first.")
    async def tree_moves(self, info: Info, member_id: Optional[strawberry.ID] = None) -> list[TreeMove]:
        require_admin(info)
        records = await call(member_admin.moves_of, info.context.rn, str(member_id) if member_id else None)
        return [TreeMove(record=record) for record in records]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admin: corrects a member's fields that carry no money (the name).")
    async def update_member(self, info: Info, id: strawberry.ID, name: Optional[str] = None) -> Member:
        require_admin(info)
        return Member(record=await call(member_admin.update_member, info.context.rn, str(id), name))

    @strawberry.mutation(description="Admin: moves a member to a new sponsor, or with its placement subtree to a "
                                     "new placement parent (its next free slot); every counter is corrected, booked "
                                     "entries stay, a TreeMove records it. Cycles, full parents, gaps, moves "
                                     "while a period close runs and an `effectiveAt` in a closed period are "
                                     "refused (CONFLICT); `effectiveAt` defaults to now and may not be in the "
                                     "future.")
    async def move_member(self, info: Info, id: strawberry.ID, reason: str,
                          new_sponsor_id: Optional[strawberry.ID] = None,
                          new_placement_parent_id: Optional[strawberry.ID] = None,
                          slot: Optional[int] = None, effective_at: Optional[datetime] = None) -> TreeMove:
        require_admin(info)
        record = await call(member_admin.move_member, info.context.rn, str(id),
                            str(new_sponsor_id) if new_sponsor_id is not None else None,
                            str(new_placement_parent_id) if new_placement_parent_id is not None else None,
                            slot, reason, "admin", ms_of(effective_at) if effective_at is not None else None)
        return TreeMove(record=record)
