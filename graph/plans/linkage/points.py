"""Consumption-appreciation points (消费增值), rules §5: issuance, sale, cap and forced exit.

Pure functions over plain data; `graph.plans.linkage.points_store` reads the market and the holdings, calls
these, and writes the result in one guarded statement.

Units, all integers so that nothing is ever rounded by accident:
- the points pool F in **cents**, circulating points N in **ten-thousandths** ("units");
- the price p = F / N is an exact `Fraction` in money per point, never rounded inside a
  computation (rules §5 "decided"); it is only rounded for display (4 places);
- points are rounded down to 4 places (whole units), money down to the cent.

A purchase's points are one `Holding`. Its cap is reached when the value of its points plus
the value of what was already sold from it reaches k × the purchase amount (k = the plan's cap
multiple, 2 or 3: 收益上限); from that price on the engine sells it whole (forced exit).
The *cap price* of a holding is therefore (k·P − sold) / q: holdings are kept ordered by it
(an integer key in the graph, indexed) so that a price rise fetches only the holdings whose
cap price it reached, never every holder.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from graph.core.money import POINT, fmt_money, from_cents, from_units, percent

ONE = Fraction(1)
CAP_KEY_SCALE = 10**6  # cap_key = floor(cap price × 10^6): coarse index key, exact check after


@dataclass(frozen=True)
class PointsConfig:
    """[points] of a plan: gift ratio (or schedule), the sale payout and the cap multiple."""

    # (pool threshold in cents, gift ratio from that pool on), ascending; first threshold 0
    schedule: tuple[tuple[int, Decimal], ...] = ((0, Decimal("0.70")),)
    sale_payout: Decimal = Decimal("0.80")  # share of a sale's value paid; the rest stays in the pool
    cap_multiple: Decimal = Decimal("3")  # 收益上限: 2× or 3× the purchase amount

    def gift_ratio(self, pool_cents: int) -> Decimal:
        """The ratio in force for a pool of `pool_cents` (before the order): 控盘 schedule."""
        ratio = self.schedule[0][1]
        for threshold, value in self.schedule:
            if pool_cents >= threshold:
                ratio = value
        return ratio


@dataclass(frozen=True)
class Market:
    """The points market: pool F (cents), circulating N (units) and the last price.

    `last` is the price at the last change; it is the price while N = 0 (1 before any points
    circulated). decided: after the last points are sold the price stays where it was rather
    than dropping back to 1, so the price never falls (rules §5: "p = 1 while N = 0" is read
    as the opening price).
    """

    pool: int = 0
    units: int = 0
    last: Fraction = ONE

    @property
    def price(self) -> Fraction:
        if self.units == 0:
            return self.last
        return Fraction(self.pool * 100, self.units)  # (pool/100) / (units/10000)


def price_text(price: Fraction) -> str:
    """The price for people: rounded half-up to 4 places (display only)."""
    scaled = price * 10000
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return str((Decimal(whole) / 10000).quantize(POINT))


def price_decimal(price: Fraction) -> Decimal:
    return Decimal(price_text(price))


def value_cents(units: int, price: Fraction) -> Fraction:
    """Exact value in cents of `units` ten-thousandths of a point at `price` money per point."""
    return Fraction(units) * price / 100


def floor_int(value: Fraction) -> int:
    return value.numerator // value.denominator


@dataclass(frozen=True)
class Holding:
    """The points of one purchase (order) of a member: `units` left, `sold` cents of value
    already sold from it, `amount` = the purchase amount in cents."""

    id: str
    member_id: str
    order_id: str
    amount: int
    units: int
    sold: int = 0
    seq: int = 0  # issue order: the tie-break of equal cap prices (earlier purchase first)
    active: bool = True

    def cap_price(self, multiple: Decimal) -> Fraction:
        """The price at which this holding's value (plus what was sold of it) reaches k × P."""
        target = Fraction(multiple) * self.amount - self.sold
        if target <= 0 or self.units == 0:
            return Fraction(0)
        return target * 100 / self.units

    def cap_key(self, multiple: Decimal) -> int:
        return floor_int(self.cap_price(multiple) * CAP_KEY_SCALE)


def price_key(price: Fraction) -> int:
    """floor(price × 10^6): a holding can have reached its cap only if cap_key ≤ price_key."""
    return floor_int(price * CAP_KEY_SCALE)


@dataclass(frozen=True)
class Issue:
    """Points issued for one order: `units` at `price` (the price before the order)."""

    order_id: str
    member_id: str
    contribution: int  # cents into the pool
    ratio: Decimal
    price: Fraction
    units: int

    @property
    def explanation(self) -> str:
        gift = Fraction(self.ratio) * self.contribution / 100
        return (f"points {from_units(self.units)} = {percent(self.ratio)} of {fmt_money(from_cents(self.contribution))} "
                f"= {fmt_money(Decimal(gift.numerator) / gift.denominator)} at price {price_text(self.price)}")


def issue(market: Market, contribution: int, config: PointsConfig, order_id: str, member_id: str) -> tuple[Market, Issue]:
    """Issues g·c / p points (rounded down to 4 places) at the price before the order, then
    F += c and N += the points."""
    ratio = config.gift_ratio(market.pool)
    price = market.price
    units = floor_int(Fraction(ratio) * contribution * 100 / price)  # (g·c/100)/p points × 10^4
    after = Market(market.pool + contribution, market.units + units, market.last)
    after = replace(after, last=after.price)
    return after, Issue(order_id, member_id, contribution, ratio, price, units)


@dataclass(frozen=True)
class Sale:
    """One sale of `units` points of a member at one `price` (from one or more of its
    holdings): value and paid in cents, both rounded down."""

    member_id: str
    holding_ids: tuple[str, ...]
    units: int
    price: Fraction
    value: int  # cents, rounded down
    paid: int  # cents, rounded down: what leaves the pool
    forced: bool  # the cap's automatic sale (forced exit)
    payout_rate: Decimal

    @property
    def kept(self) -> int:
        """Cents of the sale's value that stay in the pool (20 % and the rounding)."""
        return self.value - self.paid

    @property
    def explanation(self) -> str:
        why = "cap reached: forced exit, " if self.forced else ""
        return (f"{why}sold {from_units(self.units)} points at {price_text(self.price)} "
                f"= {fmt_money(from_cents(self.value))}; {percent(self.payout_rate)} paid = "
                f"{fmt_money(from_cents(self.paid))}, {fmt_money(from_cents(self.kept))} stays in the points pool "
                f"(purchase {', '.join(self.holding_ids)})")


def sell(market: Market, parts: Sequence[tuple[Holding, int]], config: PointsConfig,
         forced: bool = False) -> tuple[Market, list[Holding], Sale]:
    """Sells the given units of one member's holdings at the current price p: value v = q·p,
    paid = payout × v (rounded down), F -= paid, N -= q. A forced sale ends its holding
    (the member leaves that cycle). Raises ValueError on an empty sale or too many units."""
    if not parts:
        raise ValueError("nothing to sell")
    price = market.price
    total = 0
    changed: list[Holding] = []
    for holding, units in parts:
        if not 0 < units <= holding.units:
            raise ValueError(f"cannot sell {units} units of a holding of {holding.units}")
        total += units
        left = holding.units - units
        changed.append(replace(holding, units=left, sold=holding.sold + floor_int(value_cents(units, price)),
                               active=holding.active and left > 0 and not forced))
    exact = value_cents(total, price)
    paid = floor_int(Fraction(config.sale_payout) * exact)
    after = Market(market.pool - paid, market.units - total, market.last)
    after = replace(after, last=after.price)
    sale = Sale(parts[0][0].member_id, tuple(h.id for h, _ in parts), total, price, floor_int(exact), paid, forced,
                config.sale_payout)
    return after, changed, sale


def reached_cap(holding: Holding, price: Fraction, config: PointsConfig) -> bool:
    return holding.active and holding.units > 0 and price >= holding.cap_price(config.cap_multiple)


@dataclass
class Settlement:
    """The forced exits that a price change causes (a cascade: each raises the price)."""

    market: Market
    holdings: dict[str, Holding] = field(default_factory=dict)  # every holding looked at, as now
    sales: list[Sale] = field(default_factory=list)


def settle(
    market: Market,
    fetch: Callable[[int], Iterable[Holding]],
    config: PointsConfig,
    known: Mapping[str, Holding] | None = None,
) -> Settlement:
    """Forced exits after a price change. `fetch(price_key)` returns the active holdings whose
    cap_key ≤ price_key (an indexed range read); holdings in `known` override what fetch
    returns (they were changed in this operation and are not written yet).

    decided: the holding with the lowest cap price exits first (ties: earlier purchase); each
    exit raises the price, so after each one the holdings that price reached join the queue —
    a cascade ends when no holding's cap is at or below the price.
    """
    state = Settlement(market, dict(known or {}))
    queue: list[tuple[Fraction, int, str]] = []
    queued: set[str] = set()
    fetched_key = -1

    def refill() -> None:
        nonlocal fetched_key
        key = price_key(state.market.price)
        if key <= fetched_key:
            return
        fetched_key = key
        for holding in fetch(key):
            state.holdings.setdefault(holding.id, holding)
        for holding in state.holdings.values():
            if holding.id not in queued and reached_cap(holding, state.market.price, config):
                queued.add(holding.id)
                heapq.heappush(queue, (holding.cap_price(config.cap_multiple), holding.seq, holding.id))

    refill()
    while queue:
        _, _, holding_id = heapq.heappop(queue)
        holding = state.holdings[holding_id]
        if not reached_cap(holding, state.market.price, config):  # pragma: no cover - prices only rise
            queued.discard(holding_id)
            continue
        state.market, (state.holdings[holding_id],), sale = sell(state.market, [(holding, holding.units)], config,
                                                                 forced=True)
        state.sales.append(sale)
        refill()
    return state


def allocate_sale(holdings: Iterable[Holding], units: int) -> list[tuple[Holding, int]]:
    """A member's sale of `units` taken from its holdings, earliest purchase first.
    decided: first in, first out (the seed does not say which purchase's points a sale uses)."""
    left = units
    parts: list[tuple[Holding, int]] = []
    for holding in sorted(holdings, key=lambda h: (h.seq, h.id)):
        if left == 0:
            break
        if not holding.active or holding.units == 0:
            continue
        take = min(left, holding.units)
        parts.append((holding, take))
        left -= take
    if left:
        raise ValueError(f"only {units - left} units held, {units} asked")
    return parts


# --- the plan section -----------------------------------------------------------------------


def parse_config(table: Mapping[str, Any], where: str) -> PointsConfig:
    """[points]: gift_ratio = "0.70" or schedule = [{from = "0.00", ratio = "0.70"}, …],
    sale_payout = "0.80", cap_multiple = "3"."""
    from graph.core.plan import PlanError, check_keys, decimal_value, money_value, rate_value

    check_keys(table, ("gift_ratio", "schedule", "sale_payout", "cap_multiple"), where)
    if "gift_ratio" in table and "schedule" in table:
        raise PlanError(f"{where}: give gift_ratio or schedule, not both")
    if "schedule" in table:
        raw = table["schedule"]
        if not isinstance(raw, list) or not raw:
            raise PlanError(f"{where}.schedule: a non-empty list of {{from, ratio}} tables")
        steps: list[tuple[int, Decimal]] = []
        for index, step in enumerate(raw):
            at = f"{where}.schedule[{index}]"
            if not isinstance(step, dict):
                raise PlanError(f"{at}: must be a table {{from = \"0.00\", ratio = \"0.70\"}}")
            check_keys(step, ("from", "ratio"), at)
            threshold = int(money_value(step, "from", at) * 100)
            ratio = rate_value(step, "ratio", at)
            if ratio <= 0:
                raise PlanError(f"{at}.ratio: must be above 0")
            if steps and threshold <= steps[-1][0]:
                raise PlanError(f"{at}.from: thresholds must rise")
            steps.append((threshold, ratio))
        if steps[0][0] != 0:
            raise PlanError(f"{where}.schedule[0].from: the first step must start at \"0.00\"")
        schedule = tuple(steps)
    else:
        ratio = rate_value(table, "gift_ratio", where) if "gift_ratio" in table else Decimal("0.70")
        if ratio <= 0:
            raise PlanError(f"{where}.gift_ratio: must be above 0")
        schedule = ((0, ratio),)
    payout = rate_value(table, "sale_payout", where) if "sale_payout" in table else Decimal("0.80")
    multiple = decimal_value(table, "cap_multiple", where, low=Decimal(1)) if "cap_multiple" in table else Decimal(3)
    return PointsConfig(schedule, payout, multiple)


def config_of(plan: Any) -> PointsConfig:
    section = plan.section("points") if plan is not None else None
    return section or PointsConfig()




def _register() -> None:
    from graph.core.plan import register_module

    register_module("points", "points", parse_config)


_register()
