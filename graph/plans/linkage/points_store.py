"""The points market in the graph (rules §5): reads, `sell_points`, and the pieces of the one
write statement (`cypher/linkage_effects.cypher`) that an order or a sale books.

The market lives on the points pool node `(:Pool {name: 'points'})`: `balance` (cents put in
minus paid out, moved by every POOLED points share and every sale), `market` (the F of the
price: contributions of orders whose points are issued, minus payouts), `units` (N), the last
price as a fraction and the number of holdings issued. Each purchase's points are a
`(:Holding)` node; active holdings carry `cap_key` (indexed) so that a price rise reads only
the holdings whose cap it may have reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from graph.core.errors import BadInput, NotFound
from graph.core.money import POINT, from_cents, from_units, to_units
from graph.core.plan import require_module
from graph.ledger.drafts import Changes
from graph.ledger.entries import Booking, EntryRecord, entry_rows
from graph.ledger.entry_ids import EntrySource
from graph.plans.linkage.points import (
    ONE,
    Holding,
    Market,
    PointsConfig,
    Sale,
    allocate_sale,
    config_of,
    price_decimal,
    sell,
    settle,
)
from graph.store.store import Conflicted, Row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.points")


@dataclass(frozen=True)
class MarketState:
    version: int
    balance: int  # cents in the pool (contributions − payouts, all orders)
    market: Market
    seq: int  # holdings issued so far


@dataclass(frozen=True)
class MarketView:
    """`pointsMarket`: pool, circulating points, price (4 places) and the gift ratio in force."""

    pool: Decimal
    circulating: Decimal
    price: Decimal
    gift_ratio: Decimal


def read_market(rn: Refnet) -> MarketState:
    row = rn.store.run("points_market")[0]
    last = Fraction(row["last_num"], row["last_den"]) if row["last_num"] is not None else ONE
    return MarketState(row["version"], row["balance"], Market(row["market"], row["units"], last), row["seq"])


def market_view(rn: Refnet) -> MarketView:
    state = read_market(rn)
    config = config_of(rn.plan)
    return MarketView(from_cents(state.market.pool), from_units(state.market.units),
                      price_decimal(state.market.price), config.gift_ratio(state.market.pool))


def holding_of(row: Row) -> Holding:
    return Holding(row["id"], row["member_id"], row["order_id"], row["amount"], row["units"], row["sold"],
                   row["seq"], bool(row["active"]))


def holding_row(holding: Holding, config: PointsConfig) -> dict:
    active = holding.active and holding.units > 0
    return {
        "id": holding.id, "member_id": holding.member_id, "order_id": holding.order_id, "amount": holding.amount,
        "units": holding.units, "sold": holding.sold, "seq": holding.seq, "active": active,
        "cap_key": holding.cap_key(config.cap_multiple) if active else None,
    }


def capped_fetcher(rn: Refnet) -> Callable[[int], list[Holding]]:
    def fetch(key: int) -> list[Holding]:
        return [holding_of(row) for row in rn.store.run("holdings_capped", {"key": key})]

    return fetch


def market_row(before: MarketState, after: Market, paid_out: int, seq: int) -> dict:
    """The points pool's row of `ledger_pools`: deltas of balance and F, the new N and price."""
    last = after.price
    return {
        "name": "points", "balance": -paid_out, "market": after.pool - before.market.pool,
        "set": {"units": after.units, "last_num": last.numerator, "last_den": last.denominator, "holdings": seq},
    }


class Effects:
    """What one operation changes, gathered for `member_book`: member counter deltas,
    holdings to store and entries to book."""

    def __init__(self) -> None:
        self.members: dict[str, dict] = {}
        self.holdings: dict[str, Holding] = {}
        self.bookings: list[tuple[Booking, int | None]] = []  # (booking, points units)

    def member(self, member_id: str) -> dict:
        return self.members.setdefault(member_id, {
            "id": member_id, "points": 0, "paid": 0, "withdrawn": 0, "frozen": 0, "team_orders": 0,
            "team_sales": 0, "shares_milli": 0, "identity": None, "fund_released": None, "released": 0,
        })

    def release(self, member_id: str, cents: int) -> None:
        """The mutual fund (rules §6) gives a member's frozen money back: it is available again,
        and counted as `released`, not as earnings."""
        target = self.member(member_id)
        target["paid"] += cents
        target["frozen"] -= cents
        target["released"] += cents
        target["fund_released"] = True

    def book_sale(self, sale: Sale) -> None:
        self.member(sale.member_id)["points"] -= sale.units
        self.member(sale.member_id)["paid"] += sale.paid
        if sale.paid > 0:
            self.bookings.append((Booking("points_sale", "PAID", from_cents(sale.paid), sale.explanation,
                                          sale.member_id), sale.units))

    def rows(self, source: str, at: int, period: str | None, plan_version: str | None) -> list[dict]:
        rows = entry_rows([b for b, _ in self.bookings], source=source, at=at, period=period,
                          plan_version=plan_version)
        for row, (_, units) in zip(rows, self.bookings):
            row["points"] = units
        return rows


def write_effects(rn: Refnet, version: int, effects: Effects, entries: list[dict], config: PointsConfig | None,
                  market: dict | None) -> None:
    """The one guarded statement; raises Conflicted when the graph changed since `version`. The
    engine's working set (graph.working_set) moves with it: what it books is folded into it."""
    holdings = [holding_row(h, config) for h in effects.holdings.values()] if config else []
    rows = rn.store.run("member_book", {
        "version": version, "pools": [market] if market is not None else [], "holdings": holdings,
        "members": list(effects.members.values()), "entries": entries,
    })
    if not rows or rows[0]["entries"] != len(entries):
        raise Conflicted()
    if rn.working_set is not None:
        changes = Changes()
        changes.members = effects.members
        changes.pools = {"points": market} if market is not None else {}
        changes.holdings = {row["id"]: row for row in holdings}
        rn.working_set.fold_changes(changes, version, version + 1)


def parse_points(points: Decimal, field: str = "points") -> int:
    if not isinstance(points, Decimal) or not points.is_finite():
        raise BadInput(f"{field}: must be a decimal number of points")
    if points <= 0:
        raise BadInput(f"{field}: must be positive, got {points}")
    if points != points.quantize(POINT):
        raise BadInput(f"{field}: {points} has more than 4 decimal places")
    return to_units(points)


def sell_points(rn: Refnet, member_id: str, points: Decimal) -> EntryRecord:
    """A member sells points at the current price (80 % paid, 20 % stays in the pool); forced
    exits the price rise causes are booked in the same statement. BadInput beyond its points."""
    require_module(rn.plan, ("points",), "selling points")
    units = parse_points(points)
    config = config_of(rn.plan)
    plan_version = rn.plan.version if rn.plan is not None else None

    def attempt() -> EntryRecord:
        state = read_market(rn)
        member = rn.store.run("fund_state", {"id": member_id})[0]
        if member["id"] is None:
            raise NotFound(f"memberId: no member with id {member_id!r}")
        holdings = [holding_of(row) for row in rn.store.run("holdings_of_members", {"ids": [member_id]})]
        held = sum(h.units for h in holdings)
        if units > held:
            raise BadInput(f"points: {from_units(units)} is more than the {from_units(held)} points {member_id} holds")
        market, changed, sale = sell(state.market, allocate_sale(holdings, units), config)
        if sale.paid <= 0:
            raise BadInput(f"points: {from_units(units)} points are worth less than a cent at the current price")
        effects = Effects()
        effects.book_sale(sale)
        for holding in changed:
            effects.holdings[holding.id] = holding
        settled = settle(market, capped_fetcher(rn), config, effects.holdings)
        effects.holdings.update(settled.holdings)
        for forced in settled.sales:
            effects.book_sale(forced)
        paid_out = sale.paid + sum(s.paid for s in settled.sales)
        at = rn.clock()
        entries = effects.rows(str(EntrySource.of("sale", state.version + 1)), at, _period(at), plan_version)
        write_effects(rn, state.version, effects, entries, config,
                      market_row(state, settled.market, paid_out, state.seq))
        first = entries[0]
        return EntryRecord.from_row(first)

    entry = rn.guard(attempt)
    log.info("member %s sold %s points: %s", member_id, from_units(units), entry.explanation)
    return entry


def _period(at: int) -> str:
    from graph.ledger.orders import period_of

    return period_of(at)
