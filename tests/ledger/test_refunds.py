"""Refunds (issue 8): the worked example of rules §3 refunded in full and in parts; every
reversal mirrors its entry pro rata, the sums are exact, balances and pools come back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.ledger.refunds import reversal_cents
from tests.support.orders import BALANCE, buy, register
from tests.support.refunds import REFUND

ORDER = "query($id: ID!) { order(id: $id) { amount refunded entries { id rule status amount beneficiaryId pool reverses } } }"
D = Decimal
MARKET = "{ pointsMarket { pool circulating price giftRatio } }"


def refund(gql, order_id: str, amount: str, refund_id: str | None = None, reason: str = "returned") -> dict:
    return gql.ok(REFUND, orderId=order_id, amount=amount, reason=reason, id=refund_id)["refundOrder"]


def balances(gql, *ids: str) -> dict[str, dict]:
    return {member_id: gql.ok(BALANCE, id=member_id)["member"]["balance"] for member_id in ids}


def pools(rn) -> dict[str, int]:
    return {row["name"]: row["balance"] for row in rn.store.run_text("MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance")}


def worked_example(gql) -> None:
    """Rules §3: T a boss, S T's third referral in T's wealth slot; S registers A, B, C (A, B bought)."""
    register(gql, "U")
    register(gql, "T", "U")
    for name in ("P1", "P2", "S"):
        register(gql, name, "T")
    for name in ("U", "T", "P1", "P2", "S"):
        buy(gql, f"o-{name}", name, "10000.00")
    for name in "ABC":
        register(gql, name, "S")
    buy(gql, "o-A", "A")
    buy(gql, "o-B", "B")


def test_reversal_cents_spreads_a_refund_exactly():
    booked = [10000, 20000, 3000, 4000, 30000, 20000, 7000, 3000, 3000]
    first = reversal_cents(booked, [0] * 9, 33333)
    assert first == [-3333, -6667, -1000, -1333, -10000, -6667, -2333, -1000, -1000]
    assert sum(first) == -33333
    rest = reversal_cents(booked, first, 100000 - 33333)
    assert [a + b for a, b in zip(first, rest)] == [-b for b in booked]
    with pytest.raises(ValueError):
        reversal_cents(booked, first, 100000)


def test_full_and_partial_refunds_of_the_worked_example(gql, rn):
    worked_example(gql)
    members = ("S", "T", "U", "C")
    before = balances(gql, *members)
    pools_before = pools(rn)
    market_before = gql.ok(MARKET)["pointsMarket"]
    order = buy(gql, "o-C", "C")  # makes S a boss: S 100 + 200, T 30
    assert balances(gql, "S")["S"]["available"] == "500.00"  # 100 + 100 of A and B

    part = refund(gql, "o-C", "333.33", "r1")
    assert part["amount"] == "333.33" and part["period"] == order["period"]
    assert [(e["rule"], e["status"], e["amount"], e["beneficiaryId"], e["pool"]) for e in part["entries"]] == [
        ("direct", "PAID", "-33.33", "S", None),
        ("see_point", "PAID", "-66.67", "S", None),
        ("peer", "PAID", "-10.00", "T", None),
        ("dividend_pool", "POOLED", "-13.33", None, "dividend"),
        ("points_pool", "POOLED", "-100.00", None, "points"),
        ("cost", "COST", "-66.67", None, None),
        ("platform", "RETAINED", "-23.33", None, None),
        ("level_pool", "POOLED", "-10.00", None, "level"),
        ("shareholder_pool", "POOLED", "-10.00", None, "shareholder"),
    ]
    assert [e["reverses"] for e in part["entries"]] == [f"order:o-C#{n}" for n in range(9)]
    assert [e["id"] for e in part["entries"]] == [f"refund:r1#{n}" for n in range(9)]
    assert {e["refundId"] for e in part["entries"]} == {"r1"}
    assert part["entries"][0]["explanation"] == (
        "reversal -33.33 of direct 100.00 (paid, entry order:o-C#0): refund r1 of 333.33 of 1000.00 (returned)")
    assert balances(gql, "S")["S"]["available"] == "400.00"
    assert balances(gql, "S")["S"]["quotaLeft"] == "29600.00"  # the reversed rewards give the quota back

    # the rest in two parts: every entry ends reversed exactly to zero
    refund(gql, "o-C", "0.01", "r2")
    refund(gql, "o-C", "666.66", "r3")
    assert gql.ok(ORDER, id="o-C")["order"]["refunded"] == "1000.00"
    entries = gql.ok(ORDER, id="o-C")["order"]["entries"]
    net: dict[str, Decimal] = {}
    for entry in entries:
        key = entry["reverses"] or entry["id"]
        net[key] = net.get(key, D(0)) + D(entry["amount"])
    assert set(net.values()) == {D(0)}
    assert sum(D(e["amount"]) for e in entries) == 0
    assert balances(gql, *members) == {**before, "C": balances(gql, "C")["C"]}
    assert balances(gql, "C")["C"]["available"] == before["C"]["available"]
    assert pools(rn) == pools_before
    assert gql.ok(MARKET)["pointsMarket"] == market_before  # the points issued to C are taken back
    assert balances(gql, "C")["C"]["points"] == "0.0000"

    error = gql.error(REFUND, orderId="o-C", amount="0.01", reason="again", id="r4")
    assert error["extensions"]["code"] == "BAD_INPUT" and "left to refund" in error["message"]


def test_a_refund_id_books_once_and_other_content_is_a_conflict(gql):
    register(gql, "X")
    buy(gql, "o-X", "X")
    first = refund(gql, "o-X", "100.00", "r")
    assert refund(gql, "o-X", "100.00", "r") == first
    assert len(gql.ok(ORDER, id="o-X")["order"]["entries"]) == 18  # 9 shares + 9 reversals, once
    assert gql.error(REFUND, orderId="o-X", amount="100.01", reason="returned", id="r")["extensions"]["code"] == "CONFLICT"
    assert gql.error(REFUND, orderId="o-X", amount="100.00", reason="other", id="r")["extensions"]["code"] == "CONFLICT"
    assert gql.error(REFUND, orderId="nope", amount="1.00", reason="x")["extensions"]["code"] == "NOT_FOUND"
    for amount in ("0.00", "-1.00", "900.01"):
        assert gql.error(REFUND, orderId="o-X", amount=amount, reason="x")["extensions"]["code"] == "BAD_INPUT"
    assert gql.error(REFUND, orderId="o-X", amount="1.00", reason="  ")["extensions"]["code"] == "BAD_INPUT"
    assert refund(gql, "o-X", "900.00")["amount"] == "900.00"  # exactly the rest: fine


def test_burned_amounts_are_reversed_without_paying_or_giving_quota_back(gql, rn):
    """S with 50.00 quota left: a 100.00 direct reward pays 50, burns 50. Refunding the order
    lowers `burned` back and gives only the paid part's quota back."""
    from graph.ledger import orders

    register(gql, "S")
    buy(gql, "o-S", "S")
    rn.store.run_text("MATCH (m:Member {id: 'S'}) SET m.quota_used = 95000")
    register(gql, "X", "S")
    order = buy(gql, "o-X", "X")
    assert [(e["rule"], e["status"], e["amount"]) for e in order["entries"][:2]] == [
        ("direct", "PAID", "50.00"), ("direct", "BURNED", "50.00")]
    assert balances(gql, "S")["S"] | {"points": None} == {"available": "50.00", "frozen": "0.00", "burned": "50.00",
                                                          "quotaLeft": "0.00", "points": None}
    refund(gql, "o-X", "500.00")
    assert balances(gql, "S")["S"] | {"points": None} == {"available": "25.00", "frozen": "0.00", "burned": "25.00",
                                                          "quotaLeft": "25.00", "points": None}
    assert sum(e.amount for e in orders.entries(rn, "o-X")) == D("500.00")


WITHDRAW = "mutation($id: ID!, $amount: Money!) { withdraw(memberId: $id, amount: $amount) { rule status amount } }"


def test_a_refund_after_the_member_withdrew_leaves_a_negative_balance_that_the_next_reward_pays_off(gql):
    register(gql, "S")
    buy(gql, "o-S", "S", "10000.00")
    register(gql, "X", "S")
    buy(gql, "o-X", "X")  # direct 100.00 to S
    gql.ok(WITHDRAW, id="S", amount="100.00")
    assert balances(gql, "S")["S"]["available"] == "0.00"
    refund(gql, "o-X", "1000.00", "r-X")
    assert balances(gql, "S")["S"]["available"] == "-100.00"
    error = gql.error(WITHDRAW, id="S", amount="0.01")
    assert error["extensions"]["code"] == "BAD_INPUT"
    register(gql, "Y", "S")
    buy(gql, "o-Y", "Y")  # the next reward pays the debt off first
    assert balances(gql, "S")["S"]["available"] == "0.00"
    register(gql, "Z", "S")
    buy(gql, "o-Z", "Z")  # S's third agent referral, in S's wealth slot: 100 direct + 200 see-point
    assert balances(gql, "S")["S"]["available"] == "300.00"
    gql.ok(WITHDRAW, id="S", amount="100.00")


SELL = "mutation($id: ID!, $points: Decimal!) { sellPoints(memberId: $id, points: $points) { amount } }"


def test_points_issued_for_the_order_are_taken_back_and_sold_ones_leave_a_negative_balance(gql):
    register(gql, "X")
    buy(gql, "o-X", "X")
    assert balances(gql, "X")["X"]["points"] == "210.0000"  # rules §5: 0.7 × 300.00 at price 1
    refund(gql, "o-X", "500.00", "r1")
    assert balances(gql, "X")["X"]["points"] == "105.0000"
    assert gql.ok(MARKET)["pointsMarket"]["circulating"] == "105.0000"
    gql.ok(SELL, id="X", points="100.0000")
    refund(gql, "o-X", "500.00", "r2")  # 105 to take back, 5 still held: a shortfall of 100
    assert balances(gql, "X")["X"]["points"] == "-100.0000"
    assert gql.ok(MARKET)["pointsMarket"]["circulating"] == "0.0000"


def test_refunds_racing_on_two_engines_never_refund_more_than_the_order(rn):
    """Two engines on one graph (two processes): the graph's version decides."""
    from concurrent.futures import ThreadPoolExecutor

    from graph.core.errors import BadInput
    from graph.ledger import orders, refunds
    from graph.network import members
    from graph.service import Refnet

    members.register(rn, "X", member_id="X")
    orders.record_order(rn, "o-X", "X", D("1000.00"))
    other = Refnet(rn.store, rn.plan)

    def attempt(args: tuple) -> str:
        engine, refund_id = args
        try:
            return refunds.refund_order(engine, "o-X", D("600.00"), "race", refund_id).id
        except BadInput:
            return "refused"

    tries = [(rn, "a"), (other, "b"), (rn, "c"), (other, "a")]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, tries))
    winners = {r for r in results if r != "refused"}
    assert len(winners) == 1  # one refund of 600.00 fits, a second does not; a repeated id is the same refund
    winner = winners.pop()
    assert results == [refund_id if refund_id == winner else "refused" for _, refund_id in tries]
    assert orders.get_order(rn, "o-X").refunded == D("600.00")
    assert sum(e.amount for e in orders.entries(rn, "o-X")) == D("400.00")
