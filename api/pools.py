"""Points, withdrawals, identities and the linkage month close in GraphQL (rules §5–§8):
`pointsMarket`, `sellPoints`, `withdraw`, `setIdentity`, `periodRuns`."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.orders import LedgerEntry
from api.periods import PeriodRun
from api.permissions import Public
from api.scalars import Money, Points
from graph.plans.linkage import close as linkage_close
from graph.plans.linkage import points_store, withdrawals_store
from graph.plans.linkage.points_store import MarketView


@strawberry.enum(description="Identities of the linkage dividend pool (rules §6), lowest first.")
class Identity(Enum):
    PARTNER = "PARTNER"  # 合伙人
    COFOUNDER = "COFOUNDER"  # 联创
    DIRECTOR = "DIRECTOR"  # 董事


@strawberry.type(description="The consumption-appreciation points market (rules §5).")
class PointsMarket:
    view: strawberry.Private[MarketView]

    @strawberry.field(description="The profit pool F the price counts.")
    def pool(self) -> Money:
        return Money(self.view.pool)

    @strawberry.field(description="Circulating points N.")
    def circulating(self) -> Points:
        return Points(self.view.circulating)

    @strawberry.field(description="F ÷ N (1 before any points), shown to 4 places; exact inside.")
    def price(self) -> Points:
        return Points(self.view.price)

    @strawberry.field(description="The gift ratio the next order gets.")
    def gift_ratio(self) -> Points:
        return Points(self.view.gift_ratio)


@strawberry.type
class Query:
    @strawberry.field(description="Public: the points market.", permission_classes=[Public])
    async def points_market(self, info: Info) -> PointsMarket:
        return PointsMarket(view=await call(points_store.market_view, info.context.rn))

    @strawberry.field(description="Month closes of the linkage plan, newest first.")
    async def period_runs(self, info: Info) -> list[PeriodRun]:
        require_admin(info)
        return [PeriodRun(record=record) for record in await call(linkage_close.runs, info.context.rn)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Sells points at the current price: 80 % paid, 20 % stays in the pool "
                                     "(rules §5). BAD_INPUT beyond the member's points or 4 places.")
    async def sell_points(self, info: Info, member_id: strawberry.ID, points: Points) -> LedgerEntry:
        require_admin(info)
        entry = await call(points_store.sell_points, info.context.rn, str(member_id), points)
        return LedgerEntry(record=entry)

    @strawberry.mutation(description="Withdraws from the available balance: the paid part and the part frozen "
                                     "in the 20 % mutual fund (rules §6). BAD_INPUT beyond the available balance.")
    async def withdraw(self, info: Info, member_id: strawberry.ID, amount: Money) -> list[LedgerEntry]:
        require_admin(info)
        entries = await call(withdrawals_store.withdraw, info.context.rn, str(member_id), amount)
        return [LedgerEntry(record=entry) for entry in entries]

    @strawberry.mutation(description="Grants an identity of the dividend pool (null revokes); counted as it "
                                     "stands when a month is closed.")
    async def set_identity(self, info: Info, member_id: strawberry.ID,
                           identity: Optional[Identity] = None) -> Optional[Identity]:
        require_admin(info)
        value = await call(withdrawals_store.set_identity, info.context.rn, str(member_id),
                           identity.value if identity is not None else None)
        return Identity(value) if value is not None else None
