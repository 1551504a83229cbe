"""Rules §5 without the database: the worked example, the seed's sale, the cap, and properties
against an independent plain-Python model of the points market."""

from __future__ import annotations

import bisect
from decimal import Decimal
from fractions import Fraction

from hypothesis import event, given, settings
from hypothesis import strategies as st

from graph.plans.linkage.points import (
    Holding,
    Market,
    PointsConfig,
    allocate_sale,
    issue,
    price_text,
    sell,
    settle,
)
from tests.support.points_model import Model

CONFIG = PointsConfig()


class Book:
    """The market plus its holdings, driven like the engine drives it (for these tests)."""

    def __init__(self, config: PointsConfig = CONFIG) -> None:
        self.config = config
        self.market = Market()
        self.holdings: dict[str, Holding] = {}
        self.paid: dict[str, int] = {}
        self.contributed = 0
        self.paid_out = 0
        self.prices: list[Fraction] = [self.market.price]
        self.seq = 0
        self.forced = 0  # forced exits so far
        self.index: list[tuple[int, str]] = []  # (cap_key, holding id), sorted

    def order(self, order_id: str, member: str, amount: int) -> int:
        contribution = amount * 30 // 100
        self.market, issued = issue(self.market, contribution, self.config, order_id, member)
        self.contributed += contribution
        self.seq += 1
        self._put(Holding(order_id, member, order_id, amount, issued.units, seq=self.seq))
        self._settle()
        return issued.units

    def sell(self, member: str, units: int) -> None:
        mine = [h for h in self.holdings.values() if h.member_id == member]
        self.market, changed, sale = sell(self.market, allocate_sale(mine, units), self.config)
        for holding in changed:
            self._put(holding)
        self._pay(sale)
        self._settle()

    def _put(self, holding: Holding) -> None:
        old = self.holdings.get(holding.id)
        if old is not None:
            self.index.remove((old.cap_key(self.config.cap_multiple), old.id))
        self.holdings[holding.id] = holding
        bisect.insort(self.index, (holding.cap_key(self.config.cap_multiple), holding.id))

    def _pay(self, sale) -> None:
        self.paid[sale.member_id] = self.paid.get(sale.member_id, 0) + sale.paid
        self.paid_out += sale.paid

    def _settle(self) -> None:
        def fetch(key: int):
            # like the graph's indexed range read: only holdings whose cap_key ≤ key
            end = bisect.bisect_right(self.index, (key, "\uffff"))
            return [self.holdings[hid] for _, hid in self.index[:end] if self.holdings[hid].active]

        result = settle(self.market, fetch, self.config)
        self.market = result.market
        for holding in result.holdings.values():
            self._put(holding)
        for sale in result.sales:
            self._pay(sale)
        self.forced += len(result.sales)
        self.prices.append(self.market.price)

    def held(self, member: str) -> int:
        return sum(h.units for h in self.holdings.values() if h.member_id == member)


def test_worked_example_to_four_places() -> None:
    book = Book()
    assert book.order("o1", "u1", 100000) == 2100000  # 210.0000 points
    assert (book.market.pool, book.market.units) == (30000, 2100000)
    assert price_text(book.market.price) == "1.4286"
    assert book.order("o2", "u2", 100000) == 1470000  # 147.0000
    assert (book.market.pool, book.market.units) == (60000, 3570000)
    assert price_text(book.market.price) == "1.6807"
    assert book.order("o3", "u3", 100000) == 1249500  # 124.9500
    assert (book.market.pool, book.market.units) == (90000, 4819500)
    assert price_text(book.market.price) == "1.8674"


def test_seed_sale_pays_80_percent_and_the_price_rises() -> None:
    # a market at price 2000/210 = 9.5238 holding user 1's 210 points among 315
    market = Market(pool=300000, units=3150000)
    assert market.price == Fraction(2000, 210)
    holding = Holding("o1", "u1", "o1", 100000, 2100000)
    after, _, sale = sell(market, [(holding, 2100000)], CONFIG)
    assert sale.value == 200000 and sale.paid == 160000 and sale.kept == 40000
    assert after.pool == 300000 - 160000 and after.units == 1050000
    assert after.price > market.price
    assert "1600.00" in sale.explanation and "400.00 stays" in sale.explanation


def test_seed_cap_prices() -> None:
    user1 = Holding("o1", "u1", "o1", 100000, 2100000)
    user2 = Holding("o2", "u2", "o2", 100000, 1470000)
    assert price_text(user1.cap_price(Decimal(1))) == "4.7619"
    assert user1.cap_price(Decimal(3)) == Fraction(3000, 210)
    assert price_text(user1.cap_price(Decimal(3))) == "14.2857"
    assert price_text(user2.cap_price(Decimal(3))) == "20.4082"


def test_user1_exits_when_the_price_first_reaches_3000_over_210() -> None:
    book = Book()
    book.order("o1", "u1", 100000)
    cap = Fraction(3000, 210)
    n = 1
    while book.held("u1") > 0:
        before = book.market.price
        assert before < cap
        n += 1
        # the price this order makes, before any forced exit
        expected, _ = issue(book.market, 30000, CONFIG, "x", "x")
        book.order(f"o{n}", f"u{n}", 100000)
        if book.held("u1") == 0:
            assert expected.price >= cap  # sold at the first price at or above the cap
        else:
            assert expected.price < cap
    first_sale_price = book.holdings["o1"].sold
    assert first_sale_price >= 300000  # its value at the exit was at least 3000.00
    assert not book.holdings["o1"].active
    assert book.paid["u1"] >= 240000  # 80 % of at least 3000.00


def test_cascade_lowest_cap_first() -> None:
    # two holdings both past their caps after one price jump: the lower cap price exits first
    config = PointsConfig(cap_multiple=Decimal(2))
    market = Market(pool=1000000, units=1000000)  # price 100
    a = Holding("a", "ma", "a", 10000, 30000, seq=1)  # cap price 2·100·100/30000 = 66.67
    b = Holding("b", "mb", "b", 10000, 25000, seq=2)  # cap price 80
    holdings = {"a": a, "b": b}
    result = settle(market, lambda key: [h for h in holdings.values() if h.cap_key(config.cap_multiple) <= key], config)
    assert [s.holding_ids for s in result.sales] == [("a",), ("b",)]
    assert result.market.price > market.price
    assert all(s.forced for s in result.sales)


def test_gift_ratio_schedule_uses_the_pool_before_the_order() -> None:
    config = PointsConfig(schedule=((0, Decimal("0.70")), (60000, Decimal("0.50")), (90000, Decimal("0.10"))))
    book = Book(config)
    assert book.order("o1", "u1", 100000) == 2100000  # pool before 0 → 0.70
    book.order("o2", "u2", 100000)  # pool before 300 → 0.70
    units = book.order("o3", "u3", 100000)  # pool before 600 → 0.50
    assert units == (Fraction(1, 2) * 30000 * 100 / Fraction(60000 * 100, 3570000)).__floor__()
    market_before = book.market
    _, issued = issue(market_before, 30000, config, "o4", "u4")
    assert issued.ratio == Decimal("0.10")


# --- properties against an independent model ----------------------------------------------


MEMBERS = ["a", "b", "c", "d", "e", "f"]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("order"), st.sampled_from(MEMBERS), st.sampled_from([1000, 5000, 10000])),
        # big sales raise the price fast, so that caps are reached and cascades happen
        st.tuples(st.just("sell"), st.sampled_from(MEMBERS), st.sampled_from([1, 10, 50, 100])),
        # everyone but the member sells all: the price jumps, caps are reached, exits cascade
        st.tuples(st.just("dump"), st.sampled_from(MEMBERS), st.just(100)),
    ),
    min_size=1,
    max_size=40,
)


def run_against_model(steps, multiple) -> Book:
    """Drives the engine's rules and the model through the same steps, checking the
    properties after each: price never falls, pool ≥ 0, pool = contributions − payouts,
    and the same pool, circulating points and holdings as the model."""
    config = PointsConfig(cap_multiple=Decimal(multiple))
    book = Book(config)
    model = Model(Fraction(7, 10), Fraction(8, 10), Fraction(multiple))
    for n, (kind, member, value) in enumerate(steps):
        before = book.market.price
        if kind == "order":
            book.order(f"o{n}", member, value * 100)
            model.order(member, Fraction(value))
        else:
            sellers = [member] if kind == "sell" else [m for m in MEMBERS if m != member]
            for seller in sellers:
                units = book.held(seller) * value // 100
                if units == 0:
                    continue
                book.sell(seller, units)
                model.sell(seller, Fraction(units, 10000))
        assert book.market.price >= before  # the price never falls
        assert book.market.pool >= 0
        assert book.market.pool == book.contributed - book.paid_out  # pool = contributions − payouts
        assert Fraction(book.market.pool, 100) == model.F
        assert Fraction(book.market.units, 10000) == model.N
        assert book.market.price == model.price()
        for m in MEMBERS:
            assert Fraction(book.held(m), 10000) == model.held(m)
    assert Fraction(book.paid_out, 100) == model.payouts
    event(f"forced exits: {min(book.forced, 3)}")
    return book


@settings(max_examples=40, deadline=None)
@given(steps=steps, multiple=st.sampled_from([1, 2, 3]))
def test_engine_matches_the_model(steps, multiple) -> None:
    run_against_model(steps, multiple)


churn = st.lists(
    st.tuples(st.sampled_from(MEMBERS[1:]), st.sampled_from([10000, 5000, 1000]), st.sampled_from([100, 50, 0])),
    min_size=5,
    max_size=30,
)


@settings(max_examples=30, deadline=None)
@given(first=st.sampled_from([1000, 5000, 10000]), cycles=churn, multiple=st.sampled_from([1, 2, 3]))
def test_engine_matches_the_model_through_caps(first, cycles, multiple) -> None:
    """Member a holds while the others buy and sell: the price climbs through caps, with
    forced exits and cascades."""
    steps = [("order", "a", first)]
    for member, amount, percent_sold in cycles:
        steps.append(("order", member, amount))
        if percent_sold:
            steps.append(("sell", member, percent_sold))
    run_against_model(steps, multiple)
