"""Refunds under the differential plan (rules §9, issue 8): an order refunded before its month
is closed is booked at its net amount; one refunded after the close is reversed in the next
open month, at the booked amounts, and the closed month never changes."""

from __future__ import annotations

import pytest

from graph.core.plan import load_plan
from tests.support.differential import buy, close, entries, member, register
from tests.support.refunds import REFUND

PREVIEW = "query($p: String!) { previewPeriod(period: $p) { total entries { id amount beneficiaryId } } }"
LEDGER = "query($p: String!) { ledger(period: $p, first: 1000) { id rule status amount beneficiaryId orderId explanation } }"


@pytest.fixture
def plan():
    return load_plan("differential")


def refund(gql, order_id: str, amount: str, refund_id: str) -> dict:
    return gql.ok(REFUND, orderId=order_id, amount=amount, reason="returned", id=refund_id)["refundOrder"]


def worked_example(gql) -> None:
    """Rules §9: P (Direktor with N's order) sponsors customer K, who recommends customer N."""
    register(gql, "P")
    register(gql, "K", "P", "CUSTOMER")
    register(gql, "N", "K", "CUSTOMER")
    buy(gql, "own", "P", "49000.00", day=3)
    buy(gql, "n1", "N", "1000.00")


def test_a_refund_after_the_close_puts_the_negative_differential_in_the_next_month(gql, rn):
    from tests.support.refunds import ms

    worked_example(gql)
    rn.clock = lambda: ms("2026-12-01T00:05:00")
    preview = gql.ok(PREVIEW, p="2026-11")["previewPeriod"]
    assert gql.ok("mutation { closePeriod(period: \"2026-11\") { planVersion } }")["closePeriod"] == {
        "planVersion": rn.plan.version}
    assert entries(gql, "n1") == [("recommender", "PAID", "50.00", "K"), ("differential", "PAID", "200.00", "P")]
    assert preview["total"] == "10050.00"
    november = gql.ok(LEDGER, p="2026-11")["ledger"]
    assert sorted((e["id"], e["amount"], e["beneficiaryId"]) for e in november) == sorted(
        (e["id"], e["amount"], e["beneficiaryId"]) for e in preview["entries"])  # preview = close

    rn.clock = lambda: ms("2026-12-03T10:00:00")
    part = refund(gql, "n1", "400.00", "r1")
    assert part["period"] == "2026-12"
    assert [(e["rule"], e["status"], e["amount"], e["beneficiaryId"], e["reverses"]) for e in part["entries"]] == [
        ("recommender", "PAID", "-20.00", "K", "period:2026-11:order:n1#0"),
        ("differential", "PAID", "-80.00", "P", "period:2026-11:order:n1#1"),
    ]
    assert "refund r1 of 400.00 of 1000.00" in part["entries"][1]["explanation"]
    assert gql.ok(LEDGER, p="2026-11")["ledger"] == november  # the closed month never changes
    december = gql.ok(LEDGER, p="2026-12")["ledger"]
    assert [e["amount"] for e in december] == ["-20.00", "-80.00"]
    assert member(gql, "P")["balance"]["available"] == "9920.00"  # 9800 own + 200 − 80

    refund(gql, "n1", "600.00", "r2")
    assert member(gql, "K")["balance"]["available"] == "0.00"
    assert member(gql, "P")["balance"]["available"] == "9800.00"


def test_a_refund_before_the_close_books_the_order_at_its_net_amount(gql, rn):
    worked_example(gql)
    assert refund(gql, "n1", "400.00", "r1")["entries"] == []  # nothing booked yet: nothing to reverse
    assert refund(gql, "n1", "400.00", "r1")["id"] == "r1"  # idempotent
    close(gql)
    # the net 600.00 still makes P a Direktor? 49,000 + 600 < 50,000: a Manager at 15 %
    assert member(gql, "P")["rank"] == "Manager"
    assert entries(gql, "n1") == [("recommender", "PAID", "30.00", "K"), ("differential", "PAID", "90.00", "P"),
                                  ("differential", "RETAINED", "30.00", None)]  # 20 % budget of 600 − 90
