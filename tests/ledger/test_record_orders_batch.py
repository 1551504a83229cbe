"""Recording a batch of orders (issue 18): one outcome per item, a bad item fails alone, and the
batch books exactly what recording the items one by one in input order books — entries,
counters, statuses, quota, burns, points, pools, the version — in one statement when every
module declares its reads, and still exactly when one does not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.errors import DomainError
from graph.core.plan import load_plan
from graph.ledger import order_batch, orders
from graph.ledger.order_batch import OrderItem
from graph.network import batch as register_batch
from graph.network.batch import RegisterItem
from graph.service import Refnet
from tests.support.db import counting, graph_numbers
from tests.support.graph_dump import graph_dump

NOW = 1_795_000_000_000  # 2026-11-18
PRICES = (Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00"))


def engines(falkor: Any, plan: Any, members: int) -> list[Refnet]:
    """Two engines on two fresh graphs holding the same network of `members` (+ root)."""
    made = []
    for _ in range(2):
        rn = Refnet.start(falkor.with_graph(f"test_{next(graph_numbers)}"), load_plan(plan))
        rn.clock = lambda: NOW
        register_batch.register_many(rn, [RegisterItem("Root", "root")] + [
            RegisterItem(f"M{i}", f"m{i}", "root" if i < 2 else f"m{(i * 7) % i}") for i in range(members)])
        made.append(rn)
    return made


def one_by_one(rn: Refnet, items: list[OrderItem]) -> list[str | None]:
    codes: list[str | None] = []
    for item in items:
        try:
            orders.record_order(rn, item.order_id, item.buyer_id, item.amount, item.referrer_id, item.at)
            codes.append(None)
        except DomainError as error:
            codes.append(error.code)
    return codes


KINDS = ["ok"] * 8 + ["ghost", "price", "repeat", "clash", "cents", "referrer", "last-month"]


def items_of(plan: list[tuple[int, int, str]], buyers: list[str], priced: bool) -> list[OrderItem]:
    items: list[OrderItem] = []
    for index, (pick, price, kind) in enumerate(plan):
        buyer = buyers[pick % len(buyers)]
        amount = PRICES[price % 3] if priced else Decimal(100 + 37 * price)
        earlier = items[pick % len(items)] if items else None
        if kind == "ghost":
            items.append(OrderItem(f"o{index}", "ghost", amount))
        elif kind == "price" and priced:
            items.append(OrderItem(f"o{index}", buyer, Decimal("999.00")))
        elif kind == "repeat" and earlier is not None:
            items.append(earlier)
        elif kind == "clash" and earlier is not None:
            items.append(OrderItem(earlier.order_id, earlier.buyer_id, earlier.amount + 1))
        elif kind == "cents":
            items.append(OrderItem(f"o{index}", buyer, Decimal("10.001")))
        elif kind == "referrer":
            items.append(OrderItem(f"o{index}", buyer, amount, referrer_id="ghost"))
        elif kind == "last-month":
            items.append(OrderItem(f"o{index}", buyer, amount, at=NOW - 31 * 86_400_000))
        else:
            items.append(OrderItem(f"o{index}", buyer, amount))
    return items


plans_strategy = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 8), st.sampled_from(KINDS)),
                          min_size=1, max_size=60)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.integers(1, 30), plan=plans_strategy)
def test_a_linkage_batch_books_what_one_by_one_books_in_one_statement(falkor, members, plan):
    """The linkage plan with points (forced exits), the fund, identities and team counters."""
    batched, sequential = engines(falkor, "linkage-3plus1", members)
    items = items_of(plan, ["root", *(f"m{i}" for i in range(members))], priced=True)
    names = counting(batched)
    outcomes = order_batch.record_many(batched, items)
    assert [o.error.code if o.error else None for o in outcomes] == one_by_one(sequential, items)
    assert graph_dump(batched.store) == graph_dump(sequential.store)
    assert "order_record" not in names and names.count("orders_record_batch") <= 1
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome.order is not None:
            assert (outcome.order.id, outcome.order.buyer_id) == (item.order_id, item.buyer_id)


def test_many_orders_move_the_points_market_and_the_fund_like_one_by_one(falkor, tmp_path):
    """Enough orders on few members, with a low points cap, that prices rise into forced exits
    (a cascade reads holdings the batch itself issued) and the fund releases."""
    from importlib import resources

    text = resources.files("plans").joinpath("linkage-3plus1.toml").read_text().replace('cap_multiple = "3"', 'cap_multiple = "1.1"')
    (tmp_path / "low-cap.toml").write_text(text.replace("release_orders = 20", "release_orders = 3"))
    batched, sequential = engines(falkor, tmp_path / "low-cap.toml", 6)
    from graph.ledger.entries import balances
    from graph.plans.linkage.withdrawals_store import withdraw

    buyers = ["root", *(f"m{i}" for i in range(6))]
    for rn in (batched, sequential):  # the same history: sponsors withdraw, 20 % of it frozen
        one_by_one(rn, [OrderItem(f"first-{buyer}", buyer, PRICES[0]) for buyer in buyers])
        for member_id, balance in sorted(balances(rn, buyers).items()):
            if balance.available >= Decimal("10.00"):
                withdraw(rn, member_id, Decimal("10.00"))
    items = [OrderItem(f"o{i}", buyers[(i * 5) % 7], PRICES[i % 3]) for i in range(150)]
    order_batch.record_many(batched, items)
    one_by_one(sequential, items)
    dump = graph_dump(batched.store)
    assert dump == graph_dump(sequential.store)
    rules = {dict(props).get("rule") for labels, props in dump["nodes"] if labels == ("Entry",)}
    assert {"points_sale", "see_point", "direct"} <= rules
    released = [props for labels, props in dump["nodes"] if labels == ("Entry",)
                and dict(props)["rule"] == "withdrawal" and dict(props)["explanation"].startswith("released")]
    assert released, "no mutual fund release was exercised"


def test_lone_orders_from_the_working_set_force_the_same_exits_as_one_by_one(falkor, tmp_path):
    """Lone orders computed from the working set (group commit's path for a lone request) with a
    low points cap: the holdings a price rise caps come from the set's cap-key index
    (`working_set.Holdings`), and every forced exit is the one the graph's path books."""
    from importlib import resources

    from graph import working_set

    text = resources.files("plans").joinpath("linkage-3plus1.toml").read_text().replace('cap_multiple = "3"', 'cap_multiple = "1.1"')
    (tmp_path / "low-cap.toml").write_text(text)
    remembered, sequential = engines(falkor, tmp_path / "low-cap.toml", 6)
    ws = working_set.enable(remembered)
    buyers = ["root", *(f"m{i}" for i in range(6))]
    items = [OrderItem(f"o{i}", buyers[(i * 5) % 7], PRICES[i % 3]) for i in range(60)]
    names = counting(remembered)
    for item in items:
        [outcome] = order_batch.record_many(remembered, [item])
        assert outcome.error is None
    one_by_one(sequential, items)
    assert names == ["orders_record_batch"] * len(items)  # every one from the set, none read again
    assert ws.ready and ws.holdings.by_cap == sorted((row["cap_key"], key) for key, row in ws.holdings.items())
    dump = graph_dump(remembered.store)
    assert dump == graph_dump(sequential.store)
    forced = [props for labels, props in dump["nodes"] if labels == ("Entry",)
              and dict(props)["explanation"].startswith("cap reached: forced exit")]
    assert forced, "no forced exit was exercised"


def test_an_undeclared_read_books_one_order_per_statement_exactly(falkor, monkeypatch):
    """A module that does not declare its reads still books exactly; only slower."""
    from graph.plans.linkage.plugin import LinkageMonth

    monkeypatch.setattr(LinkageMonth, "order_reads", {})
    batched, sequential = engines(falkor, "linkage-3plus1", 8)
    items = [OrderItem(f"o{i}", ["root", "m3", "m5", "m7"][i % 4], PRICES[i % 3]) for i in range(10)]
    items.insert(4, OrderItem("bad", "ghost", PRICES[0]))
    names = counting(batched)
    outcomes = order_batch.record_many(batched, items)
    one_by_one(sequential, items)
    assert graph_dump(batched.store) == graph_dump(sequential.store)
    assert [o.error.code for o in outcomes if o.error] == ["NOT_FOUND"]
    assert names.count("orders_record_batch") == 10


@pytest.mark.parametrize("plan", ["differential", "family"])
def test_other_plans_book_a_batch_like_one_by_one(falkor, plan):
    batched, sequential = engines(falkor, plan, 10)
    buyers = ["root", *(f"m{i}" for i in range(10))]
    items = [OrderItem(f"o{i}", buyers[(i * 3) % 11], Decimal(100 + i), at=NOW - i * 3_600_000,
                       referrer_id=buyers[i % 11] if plan == "differential" and i % 4 == 0 else None)
             for i in range(30)]
    outcomes = order_batch.record_many(batched, items)
    assert [o.error.code if o.error else None for o in outcomes] == one_by_one(sequential, items)
    assert graph_dump(batched.store) == graph_dump(sequential.store)


def test_a_batch_of_more_than_the_limit_is_refused_whole(rn):
    items = [OrderItem(f"o{i}", "nobody", PRICES[0]) for i in range(order_batch.MAX_BATCH + 1)]
    with pytest.raises(DomainError) as raised:
        order_batch.record_many(rn, items)
    assert raised.value.code == "BAD_INPUT"


def test_late_orders_of_a_closed_month_are_booked_in_the_open_one_like_one_by_one(falkor):
    """Orders dated in a month whose close has run are booked late (docs/periods.md), in a batch
    exactly as one by one."""
    from graph.ledger.period_close import close_period

    batched, sequential = engines(falkor, "linkage-3plus1", 8)
    october = NOW - 31 * 86_400_000
    for rn in (batched, sequential):
        one_by_one(rn, [OrderItem(f"early{i}", f"m{i}", PRICES[0], at=october) for i in range(4)])
        close_period(rn, "2026-10")
    items = [OrderItem(f"o{i}", ["root", *(f"m{j}" for j in range(8))][i % 9], PRICES[i % 3],
                       at=october if i % 2 else None) for i in range(20)]
    outcomes = order_batch.record_many(batched, items)
    assert [o.error for o in outcomes] == [None] * 20
    one_by_one(sequential, items)
    dump = graph_dump(batched.store)
    assert dump == graph_dump(sequential.store)
    late = [dict(props) for labels, props in dump["nodes"]
            if labels == ("Entry",) and dict(props).get("order_id") == "o1"]
    assert late and {entry["period"] for entry in late} == {"2026-11"}
