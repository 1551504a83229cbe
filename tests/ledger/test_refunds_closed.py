"""A refund of an order whose month is closed (issue 8, item 2): the closed month never
changes; the next open month carries the negative level differential, dividend and
shareholder dividend, naming the refund; pools and balances come back."""

from __future__ import annotations

from decimal import Decimal

from graph.ledger import entries as ledger
from graph.ledger import orders, refunds
from graph.network import members
from graph.plans.linkage import close as linkage_close
from tests.support.refunds import ms

D = Decimal


def pool_state(rn) -> dict[str, tuple]:
    return {row["name"]: (row["balance"], row["carry"]) for row in rn.store.run_text(
        "MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance, p.carry_amounts AS carry")}


def paid(rn, member_id: str) -> Decimal:
    return ledger.balance(rn, member_id).available


def test_the_next_month_carries_the_negative_differential_of_a_refund_after_the_close(rn):
    members.register(rn, "R", member_id="R")
    members.register(rn, "A", sponsor_id="R", member_id="A")
    members.register(rn, "B", sponsor_id="A", member_id="B")
    before = pool_state(rn)
    orders.record_order(rn, "o-B", "B", D("10000.00"), at=ms("2026-10-10T12:00:00"))
    rn.clock = lambda: ms("2026-10-31T23:00:00")
    linkage_close.close_period(rn, "2026-10")
    closed = {e.id: e for e in ledger.ledger(rn, period="2026-10", first=1000)}
    level = [(e.rule, e.status, e.amount, e.beneficiary_id) for e in closed.values() if e.id.startswith("period:2026-10:level")]
    # A and R are v1 (10,000 of downline sales): A 0.5 % of 10,000; R the same level: peer 10 % of 50
    assert level == [("level", "PAID", D("50.00"), "A"), ("level_peer", "PAID", D("5.00"), "R"),
                     ("level", "RETAINED", D("245.00"), None)]
    assert paid(rn, "A") == D("50.00") and paid(rn, "B") == D("460.00")  # B: shareholder 300 + partner 160

    rn.clock = lambda: ms("2026-11-03T09:00:00")
    part = refunds.refund_order(rn, "o-B", D("5000.00"), "half returned", "r1")
    assert part.period == "2026-11"
    got = [e for e in ledger.ledger(rn, period="2026-11", first=1000) if e.refund_id == "r1"]
    negative = {(e.reverses, e.amount) for e in got if e.reverses.startswith("period:")}
    assert negative == {
        ("period:2026-10:level:o-B#0", D("-25.00")), ("period:2026-10:level:o-B#1", D("-2.50")),
        ("period:2026-10:level:o-B#2", D("-122.50")),
        ("period:2026-10:shareholder#0", D("-150.00")), ("period:2026-10:dividend#0", D("-80.00")),
    }
    assert all(e.order_id is None and "refund r1 of order o-B" in e.explanation and "closed period 2026-10"
               in e.explanation for e in got if e.reverses.startswith("period:"))
    assert {e.id: e for e in ledger.ledger(rn, period="2026-10", first=1000)} == closed  # the closed month stays
    assert paid(rn, "A") == D("25.00")
    assert sum(e.amount for e in orders.entries(rn, "o-B")) == D("5000.00")

    rn.clock = lambda: ms("2026-11-20T09:00:00")
    refunds.refund_order(rn, "o-B", D("5000.00"), "all returned", "r2")
    for member_id in ("A", "R", "B"):
        assert paid(rn, member_id) == 0, member_id
    sales = rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, m.team_sales AS sales ORDER BY id")
    assert [(row["id"], row["sales"] or 0) for row in sales] == [("A", 0), ("B", 0), ("R", 0)]  # levels fall back
    assert pool_state(rn) == {name: (0, state[1] and [0] * len(state[1])) for name, state in pool_state(rn).items()}
    assert before == {}
