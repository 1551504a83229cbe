"""Rules §5 in the graph: issuance on every order, sellPoints, forced exit at the cap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph import members, orders
from graph.errors import BadInput
from graph.ledger import balance
from graph.points_store import market_view, read_market, sell_points
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
