"""Rules §5 in the graph: issuance on every order, sellPoints, forced exit at the cap."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from graph.core.errors import BadInput
from graph.core.money import from_cents, to_units
from graph.ledger import orders
from graph.ledger.entries import balance, ledger
from graph.network import members
from graph.plans.linkage.points import Holding, PointsConfig, issue, sell
from graph.plans.linkage.points_store import market_view, read_market, sell_points
from graph.service import Refnet

D = Decimal


def buyers(rn: Refnet, count: int) -> list[str]:
    members.register(rn, "Root", member_id="root")
    ids = []
    for n in range(1, count + 1):
        members.register(rn, f"User {n}", sponsor_id="root", member_id=f"u{n}")
        ids.append(f"u{n}")
    return ids


def test_worked_example_in_the_graph(rn: Refnet) -> None:
    for n, member_id in enumerate(buyers(rn, 3), start=1):
        orders.record_order(rn, f"o{n}", member_id, D("1000.00"))
    view = market_view(rn)
    assert (view.pool, view.circulating, view.price, view.gift_ratio) == (
        D("900.00"), D("481.9500"), D("1.8674"), D("0.70"))
    assert [balance(rn, f"u{n}").points for n in (1, 2, 3)] == [D("210.0000"), D("147.0000"), D("124.9500")]
    # recording an order again books no points twice
    orders.record_order(rn, "o1", "u1", D("1000.00"))
    assert market_view(rn).circulating == D("481.9500")


def test_sell_points_pays_80_percent(rn: Refnet) -> None:
    for n, member_id in enumerate(buyers(rn, 3), start=1):
        orders.record_order(rn, f"o{n}", member_id, D("1000.00"))
    before = read_market(rn).market
    entry = sell_points(rn, "u2", D("100.0000"))
    # 100 points at 900/481.95: value 186.74 (rounded down), 80 % paid = 149.39
    assert (entry.rule, entry.status, entry.beneficiary_id, entry.amount) == ("points_sale", "PAID", "u2", D("149.39"))
    after = read_market(rn)
    assert after.market.pool == 90000 - 14939 and after.balance == 90000 - 14939
    assert after.market.price > before.price
    assert balance(rn, "u2").points == D("47.0000")
    assert balance(rn, "u2").available == D("149.39")
    with pytest.raises(BadInput):
        sell_points(rn, "u2", D("47.0001"))
    with pytest.raises(BadInput):
        sell_points(rn, "u2", D("1.00001"))


def test_user1_is_sold_when_the_price_first_reaches_3000_over_210(rn: Refnet) -> None:
    """Others buy and sell at once (each sale leaves 20 % in the pool), so the price climbs
    quickly while user 1 holds its 210 points; the step whose price first reaches 3000/210
    sells user 1's points in its own statement."""
    members.register(rn, "Root", member_id="root")
    members.register(rn, "User 1", sponsor_id="root", member_id="u1")
    orders.record_order(rn, "o-u1", "u1", D("1000.00"))
    assert balance(rn, "u1").points == D("210.0000")
    cap = Fraction(3000, 210)
    for n in range(1, 60):
        member_id = f"x{n}"
        members.register(rn, member_id, sponsor_id="root", member_id=member_id)
        for step in ("buy", "sell"):
            before = read_market(rn).market
            if step == "buy":
                orders.record_order(rn, f"o-{member_id}", member_id, D("1000.00"))
                expected = issue(before, 30000, PointsConfig(), "o", member_id)[0].price
            else:
                held = balance(rn, member_id).points
                expected = sell(before, [(Holding("h", member_id, "h", 100000, to_units(held)), to_units(held))],
                                PointsConfig())[0].price
                sell_points(rn, member_id, held)
            if expected >= cap:
                assert balance(rn, "u1").points == D("0.0000")
                exit_entry = [e for e in ledger(rn, member_id="u1", rule="points_sale", first=10)]
                assert len(exit_entry) == 1 and exit_entry[0].explanation.startswith("cap reached: forced exit")
                value = Fraction(2100000) * expected / 100  # cents, at the price that reached the cap
                assert exit_entry[0].amount == from_cents(int(Fraction(8, 10) * value))
                return
            assert balance(rn, "u1").points == D("210.0000"), (n, step, float(expected))
    raise AssertionError("the price never reached the cap")


def test_effects_lost_in_a_crash_are_booked_by_recording_the_order_again(rn: Refnet, monkeypatch) -> None:
    from graph.plans.linkage import order_effects

    buyers(rn, 2)
    orders.record_order(rn, "o1", "u1", D("1000.00"))
    real = order_effects.contribute

    def crash(*args):
        raise KeyboardInterrupt("killed while computing the order's effects")

    monkeypatch.setattr(order_effects, "contribute", crash)
    with pytest.raises(KeyboardInterrupt):
        orders.record_order(rn, "o2", "u2", D("1000.00"))
    assert balance(rn, "u2").points == D("0.0000")  # one statement: nothing of the order is booked
    monkeypatch.setattr(order_effects, "contribute", real)
    orders.record_order(rn, "o2", "u2", D("1000.00"))
    assert balance(rn, "u2").points == D("147.0000")
    orders.record_order(rn, "o2", "u2", D("1000.00"))
    assert market_view(rn).circulating == D("357.0000")


def test_parallel_sales_of_the_same_points_sell_once(rn: Refnet) -> None:
    from concurrent.futures import ThreadPoolExecutor

    buyers(rn, 2)
    orders.record_order(rn, "o1", "u1", D("1000.00"))
    orders.record_order(rn, "o2", "u2", D("1000.00"))

    def attempt(_: int) -> str:
        try:
            sell_points(rn, "u1", D("210.0000"))
            return "sold"
        except BadInput:
            return "refused"

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))
    assert outcomes == ["refused", "refused", "refused", "sold"]
    assert balance(rn, "u1").points == D("0.0000")
    assert len(ledger(rn, member_id="u1", rule="points_sale", first=10)) == 1
