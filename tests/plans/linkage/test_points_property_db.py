"""Properties of rules §5 in the graph over random order / sale streams, against the
independent plain-Python model of tests/test_points_rules.py: the price never falls, the
pool never goes negative, pool = contributions − payouts exactly, same state as the model."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.money import from_units, to_cents, to_units
from graph.core.plan import load_plan
from graph.ledger import orders
from graph.ledger.entries import balance, ledger
from graph.network import members
from graph.plans.linkage.points_store import read_market, sell_points
from graph.service import Refnet
from tests.support.points_model import Model

_graphs = itertools.count()
MEMBERS = ["a", "b", "c"]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("order"), st.sampled_from(MEMBERS), st.sampled_from(["1000.00", "5000.00", "10000.00"])),
        st.tuples(st.just("sell"), st.sampled_from(MEMBERS), st.integers(min_value=1, max_value=100)),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_graph_matches_the_model(falkor, steps) -> None:
    rn = Refnet.start(falkor.with_graph(f"points_property_{next(_graphs)}"), load_plan("linkage-3plus1"))
    members.register(rn, "Root", member_id="root")
    for member_id in MEMBERS:
        members.register(rn, member_id, sponsor_id="root", member_id=member_id)
    model = Model(Fraction(7, 10), Fraction(8, 10), Fraction(3))
    contributions = 0
    payouts = 0
    for n, (kind, member_id, value) in enumerate(steps):
        before = read_market(rn)
        if kind == "order":
            orders.record_order(rn, f"o{n}", member_id, Decimal(value))
            model.order(member_id, Fraction(Decimal(value)))
            contributions += int(Decimal(value) * 30)  # 30 % in cents
        else:
            held = to_units(balance(rn, member_id).points)
            units = held * value // 100
            if units == 0 or Fraction(units, 10000) * before.market.price * Fraction(8, 10) < Fraction(1, 100):
                continue  # nothing to sell, or worth less than a cent
            sell_points(rn, member_id, from_units(units))
            model.sell(member_id, Fraction(units, 10000))
        after = read_market(rn)
        payouts = int(model.payouts * 100)
        assert after.market.price >= before.market.price
        assert after.balance >= 0
        assert after.balance == contributions - payouts == after.market.pool
        assert Fraction(after.market.pool, 100) == model.F
        assert Fraction(after.market.units, 10000) == model.N
        for member_id in MEMBERS:
            assert Fraction(to_units(balance(rn, member_id).points), 10000) == model.held(member_id)
    # the ledger explains the pool: POOLED points shares in, points sales out
    put_in = sum((e.amount for e in ledger(rn, rule="points_pool", first=1000)), Decimal(0))
    paid_out = sum((e.amount for e in ledger(rn, rule="points_sale", first=1000)), Decimal(0))
    assert to_cents(put_in - paid_out) == read_market(rn).balance
