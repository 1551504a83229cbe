"""A month of the differential plan computed in memory from one snapshot (issue 18): group
volumes, ranks and every open order's bookings, in passes over plain data whose cost grows
with the members and the orders, not with their product.

`graph.plans.differential.close` reads the snapshot (`MonthSnapshot`) and books what
`month_bookings` returns; `previewPeriod` shows the same list.

- Group volumes: each buyer's own total, then added to its sponsor bottom-up (deepest first),
  one pass over the sponsor tree instead of one walk per order.
- The stair of a member: the members of its sponsor line (itself first) whose rate exceeds
  every rate below them. The differential walk pays only such members, so walking a buyer's
  stair pays exactly what walking its whole line pays; a stair is at most as long as the plan
  has ranks and is computed once per member from its sponsor's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from graph.core.money import from_cents, percent
from graph.ledger.close_order import by_buyer_place
from graph.ledger.entries import Booking, ConservationError
from graph.plans.differential.rules import (
    CUSTOMER,
    PARTNER,
    DifferentialConfig,
    OrderView,
    Person,
    Rank,
    order_bookings,
    qualify,
)


@dataclass(frozen=True)
class MonthOrder:
    """An order the close reads: one of the month's own (all of them count for its volumes)
    or a late one of an earlier, closed month recorded for this close."""

    id: str
    buyer_id: str
    cents: int  # net of refunds
    period: str  # the order's own month
    referrer_id: str | None
    at: int
    open: bool  # not closed yet and booked by this close: this close books it
    counts: bool  # counts for the month's group volumes (an order of the month, not a late one)


@dataclass
class MonthSnapshot:
    """What the close of `period` reads, at graph version `version`."""

    period: str
    version: int
    sponsor_of: dict[str, str | None]
    kind_of: dict[str, str | None]  # PARTNER / CUSTOMER
    orders: list[MonthOrder]
    earlier_ranks: dict[str, dict[str, str]] = field(default_factory=dict)  # month → partner → rank name

    def late_months(self) -> set[str]:
        """The earlier months whose late orders this close books."""
        return {order.period for order in self.orders if order.open and order.period != self.period}


def top_down(sponsor_of: Mapping[str, str | None]) -> list[str]:
    """Every member, each sponsor before the members it sponsored (breadth first from the roots)."""
    children: dict[str, list[str]] = {}
    roots = []
    for member_id, sponsor_id in sponsor_of.items():
        if sponsor_id is None or sponsor_id not in sponsor_of:
            roots.append(member_id)
        else:
            children.setdefault(sponsor_id, []).append(member_id)
    order = roots
    for member_id in order:  # grows while walked: a breadth-first pass
        order.extend(children.get(member_id, ()))
    return order


def group_volumes(orders: Iterable[MonthOrder], sponsor_of: Mapping[str, str | None],
                  members_top_down: list[str]) -> dict[str, int]:
    """Per member (cents), its own orders plus its whole sponsor downline's; members without
    volume are left out. Same sums as `rules.group_volumes`, in one bottom-up pass."""
    volumes: dict[str, int] = {}
    for order in orders:
        volumes[order.buyer_id] = volumes.get(order.buyer_id, 0) + order.cents
    for member_id in reversed(members_top_down):
        volume = volumes.get(member_id)
        sponsor_id = sponsor_of[member_id]
        if volume is not None and sponsor_id is not None and sponsor_id in sponsor_of:
            volumes[sponsor_id] = volumes.get(sponsor_id, 0) + volume
    return volumes


def month_ranks(volumes: Mapping[str, int], kind_of: Mapping[str, str | None], config: DifferentialConfig) -> dict[str, Rank]:
    """Each partner's rank from its group volume (partners whose volume reaches no rank are left out)."""
    steps = [(int(rank.threshold * 100), rank) for rank in config.ranks]
    ranks: dict[str, Rank] = {}
    for member_id, kind in kind_of.items():
        if kind != PARTNER:
            continue
        volume = volumes.get(member_id, 0)
        reached = None
        for threshold, rank in steps:
            if volume >= threshold:
                reached = rank
        if reached is not None:
            ranks[member_id] = reached
    return ranks


def stairs(members_top_down: list[str], sponsor_of: Mapping[str, str | None],
           rate_of: Mapping[str, Decimal]) -> dict[str, tuple[str, ...]]:
    """Per member, its stair (module docstring): the members of its sponsor line, itself first,
    each with a rate above every rate below it (members without a rate are not on it)."""
    result: dict[str, tuple[str, ...]] = {}
    empty: tuple[str, ...] = ()
    for member_id in members_top_down:
        sponsor_id = sponsor_of[member_id]
        above = result.get(sponsor_id, empty) if sponsor_id is not None else empty
        rate = rate_of.get(member_id)
        if rate is None:
            result[member_id] = above
        else:
            result[member_id] = (member_id, *(up for up in above if rate_of[up] > rate))
    return result


@dataclass
class _Ranking:
    """One month's ranks as the rule reads them, with the stairs they give."""

    ranks: Mapping[str, Rank]
    base: Rank | None
    stair: dict[str, tuple[str, ...]]
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, member_id: str, kind: str | None) -> Person:
        found = self.people.get(member_id)
        if found is None:
            found = Person(member_id, kind or "", None if kind == CUSTOMER else self.ranks.get(member_id, self.base))
            self.people[member_id] = found
        return found


def _ranking(snapshot: MonthSnapshot, members_top_down: list[str], ranks: Mapping[str, Rank],
             base: Rank | None) -> _Ranking:
    rate_of = {}
    for member_id, kind in snapshot.kind_of.items():
        rank = ranks.get(member_id, base) if kind == PARTNER else None
        if rank is not None:
            rate_of[member_id] = rank.rate
    return _Ranking(ranks, base, stairs(members_top_down, snapshot.sponsor_of, rate_of))


def _money(cents: int) -> str:
    """`fmt_money(from_cents(cents))` for cents ≥ 0."""
    return f"{cents // 100}.{cents % 100:02d}"


def _amount(cents: int) -> Decimal:
    """`from_cents(cents)` for cents ≥ 0, without its type checks (a million per close)."""
    return Decimal(f"{cents // 100}.{cents % 100:02d}")


@dataclass(frozen=True)
class _Step:
    """One payment of a buyer's walk, all but the amount: (rate − below) as a fraction, and the
    explanation around the order's value and the amount."""

    member_id: str
    numerator: int
    denominator: int
    text: str  # "differential 15% - 5% already paid below = 10% of "
    tail: str  # " to P (Manager, 2026-11)", plus " on its own order"


class _CompiledRule:
    """`rules.order_bookings` for the orders of one month, with each buyer's walk worked out
    once: who is paid at which rate and the explanations' fixed parts; an order then costs its
    integer shares and two strings. Books exactly what `order_bookings` books (property-tested);
    a negative amount (never booked) goes to `order_bookings` itself."""

    def __init__(self, snapshot: MonthSnapshot, ranking: _Ranking, config: DifferentialConfig, period: str) -> None:
        self.snapshot, self.ranking, self.config, self.period = snapshot, ranking, config, period
        self.recommender_rate = config.recommender_rate.as_integer_ratio()
        self.top_rate = config.top_rate.as_integer_ratio()
        self.company = config.funding == "company"
        self.funded = "paid on top by the company" if self.company else "counts as paid below"
        self.recommender_text = f"recommender {percent(config.recommender_rate)} of "
        self.top_text = f"{percent(config.top_rate)} top rank"
        self.walks: dict[tuple[str, bool], tuple[_Step, ...]] = {}
        self.steps: dict[tuple[str, Decimal, bool], _Step] = {}

    def walk(self, buyer_id: str, after_recommender: bool) -> tuple[_Step, ...]:
        key = (buyer_id, after_recommender)
        found = self.walks.get(key)
        if found is not None:
            return found
        ranking = self.ranking
        below = self.config.recommender_rate if after_recommender and not self.company else Decimal(0)
        steps = []
        for member_id in ranking.stair.get(buyer_id, ()):
            rank = ranking.person(member_id, self.snapshot.kind_of[member_id]).rank
            assert rank is not None
            if rank.rate <= below:
                continue
            steps.append(self.step(member_id, rank, below, member_id == buyer_id))
            below = rank.rate
        found = self.walks[key] = tuple(steps)
        return found

    def step(self, member_id: str, rank: Rank, below: Decimal, own: bool) -> _Step:
        key = (member_id, below, own)
        found = self.steps.get(key)
        if found is None:
            numerator, denominator = (rank.rate - below).as_integer_ratio()
            found = self.steps[key] = _Step(
                member_id, numerator, denominator,
                f"differential {percent(rank.rate)} - {percent(below)} already paid below = {percent(rank.rate - below)} of ",
                f" to {member_id} ({rank.name}, {self.period}){' on its own order' if own else ''}")
        return found

    def bookings(self, order: MonthOrder) -> list[Booking]:
        cents = order.cents
        if cents < 0:
            return order_bookings(order_view(order, self.snapshot, self.ranking), self.config, self.period)
        v = _money(cents)
        bookings = []
        recommender = order.referrer_id
        if recommender is None:
            sponsor_id = self.snapshot.sponsor_of.get(order.buyer_id)
            if sponsor_id is not None and self.snapshot.kind_of.get(sponsor_id) == CUSTOMER:
                recommender = sponsor_id
        total = cents * self.top_rate[0] // self.top_rate[1]
        on_top = ""
        bonus = 0
        if recommender is not None:
            bonus = cents * self.recommender_rate[0] // self.recommender_rate[1]
            how = "referred the order" if order.referrer_id is not None else "is the buyer's sponsor"
            if bonus > 0:
                bookings.append(Booking(
                    "recommender", "PAID", _amount(bonus),
                    f"{self.recommender_text}{v} = {_money(bonus)} to {recommender} ({how}; {self.funded}; "
                    f"{self.period})",
                    recommender,
                ))
            if self.company and bonus > 0:
                total += bonus
                on_top = " + recommender on top"
        paid = bonus if bookings else 0
        for step in self.walk(order.buyer_id, recommender is not None):
            value = cents * step.numerator // step.denominator
            if value > 0:
                bookings.append(Booking("differential", "PAID", _amount(value),
                                        f"{step.text}{v} = {_money(value)}{step.tail}", step.member_id))
                paid += value
        if paid > total:
            raise ConservationError(f"order {order.id}: entries sum to {from_cents(paid)}, expected {from_cents(total)}")
        if total > paid:
            bookings.append(Booking(
                "differential", "RETAINED", _amount(total - paid),
                f"differential budget {_money(total)} of {v} ({self.top_text}{on_top}) - {_money(paid)} paid = "
                f"{_money(total - paid)} retained",
            ))
        return bookings


def order_view(order: MonthOrder, snapshot: MonthSnapshot, ranking: _Ranking) -> OrderView:
    """The rule's view of one order: the buyer, its sponsor and then the sponsor's stair (all
    the rule pays on the line, in line order; the sponsor first for the recommender rule)."""
    kind_of = snapshot.kind_of
    buyer_id = order.buyer_id
    sponsor_id = snapshot.sponsor_of.get(buyer_id)
    upline: list[Person] = []
    if sponsor_id is not None:
        stair = ranking.stair.get(sponsor_id, ())
        if not stair or stair[0] != sponsor_id:
            upline.append(ranking.person(sponsor_id, kind_of[sponsor_id]))
        upline.extend(ranking.person(member_id, kind_of[member_id]) for member_id in stair)
    return OrderView(order.id, from_cents(order.cents), ranking.person(buyer_id, kind_of[buyer_id]), tuple(upline),
                     order.referrer_id)


def closed_ranks(names: Mapping[str, str], config: DifferentialConfig) -> dict[str, Rank]:
    """A closed month's stored ranks (rank history) by name; unknown names are left out."""
    by_name = {rank.name: rank for rank in config.ranks}
    return {member_id: by_name[name] for member_id, name in names.items() if name in by_name}


@dataclass(frozen=True)
class MonthPlan:
    """The close computed up to the orders: the month's ranks (and those of the closed months
    whose late orders it books), and the open orders in id order (`booking_order`: the order the
    close books them in)."""

    snapshot: MonthSnapshot
    config: DifferentialConfig
    ranks: dict[str, Rank]
    base: Rank | None
    rankings: dict[str, _Ranking]
    open_orders: list[MonthOrder]
    rules: dict[str, _CompiledRule] = field(default_factory=dict)

    def booking_order(self) -> list[MonthOrder]:
        """The open orders as the close books them: by their buyer's place in the sponsor tree
        (`graph.ledger.close_order`), then by id; a buyer the snapshot does not know goes last."""
        return by_buyer_place(self.open_orders, lambda order: order.buyer_id, lambda order: order.id,
                              self.snapshot.sponsor_of)

    def bookings(self, orders: Iterable[MonthOrder]) -> list[tuple[MonthOrder, list[Booking]]]:
        """Each order's bookings by the rule (`rules.order_bookings`), by its own month's ranks."""
        result = []
        for order in orders:
            rule = self.rules.get(order.period)
            if rule is None:
                rule = self.rules[order.period] = _CompiledRule(self.snapshot, self.rankings[order.period], self.config,
                                                                order.period)
            result.append((order, rule.bookings(order)))
        return result


def plan_month(snapshot: MonthSnapshot, config: DifferentialConfig) -> MonthPlan:
    """Ranks from the month's own orders; a late order of an earlier, closed month is booked by
    that month's stored ranks (its volume counted there, not here; docs/periods.md)."""
    period = snapshot.period
    members_top_down = top_down(snapshot.sponsor_of)
    own = [order for order in snapshot.orders if order.counts]
    ranks = month_ranks(group_volumes(own, snapshot.sponsor_of, members_top_down), snapshot.kind_of, config)
    base = qualify(Decimal("0.00"), config.ranks)
    rankings = {period: _ranking(snapshot, members_top_down, ranks, base)}
    for month in snapshot.late_months():
        rankings[month] = _ranking(snapshot, members_top_down,
                                   closed_ranks(snapshot.earlier_ranks.get(month, {}), config), base)
    open_orders = sorted((order for order in snapshot.orders if order.open), key=lambda order: order.id)
    return MonthPlan(snapshot, config, ranks, base, rankings, open_orders)


def month_bookings(snapshot: MonthSnapshot, config: DifferentialConfig) -> list[tuple[MonthOrder, list[Booking]]]:
    """Every open order's bookings, in id order: what the close books."""
    month = plan_month(snapshot, config)
    return month.bookings(month.open_orders)
