"""What comes late for a closed period (issue 14, docs/periods.md): a late linkage order, a late
differential order and a refund of an order of a closed month leave the closed month as it was
closed; their entries are in the first open period and name the period they belong to. Order
dates in the future beyond the clock-skew tolerance are refused."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from graph.core.errors import BadInput
from graph.core.plan import load_plan
from graph.ledger import orders, period_close, refunds
from graph.ledger.entries import ledger
from graph.network import members
from graph.service import Refnet
from tests.support.refunds import ms

D = Decimal


def closed_state(rn: Refnet, period: str) -> tuple:
    """Everything a closed month must keep: its entries and its run."""
    entries = sorted((e.id, e.rule, e.status, e.amount, e.beneficiary_id, e.explanation)
                     for e in ledger(rn, period=period, first=1000))
    run = rn.store.run_text("MATCH (r:PeriodRun {period: $p}) RETURN r.entries AS entries, r.total AS total, "
                            "r.booked AS booked, r.paid AS paid, r.retained AS retained, r.orders AS orders",
                            {"p": period})
    return entries, run


def member_state(rn: Refnet, member_id: str) -> dict:
    return rn.store.run_text("MATCH (m:Member {id: $id}) RETURN m.status AS status, coalesce(m.quota, 0) AS quota, "
                             "coalesce(m.quota_used, 0) AS quota_used, coalesce(m.packages, 0) AS packages", {"id": member_id})[0]


def engine(store, plan_name: str, now: str) -> Refnet:
    rn = Refnet.start(store, load_plan(plan_name))
    rn.clock = lambda: ms(now)
    return rn


def test_a_late_linkage_order_is_booked_in_the_first_open_month(store, falkor):
    rn = engine(store, "linkage-3plus1", "2026-10-03T08:00:00")
    members.register(rn, "R", member_id="R")
    members.register(rn, "A", sponsor_id="R", member_id="A")
    members.register(rn, "B", sponsor_id="A", member_id="B")
    orders.record_order(rn, "o-A", "A", D("5000.00"), at=ms("2026-10-02T08:00:00"))
    rn.clock = lambda: ms("2026-11-02T08:00:00")
    period_close.close_period(rn, "2026-10")
    october = closed_state(rn, "2026-10")
    assert october[0] and october[1][0]["entries"] > 0

    before = member_state(rn, "B")
    late = orders.record_order(rn, "o-late", "B", D("1000.00"), at=ms("2026-10-20T08:00:00"))
    assert late.period == "2026-10"  # the order keeps its date
    assert closed_state(rn, "2026-10") == october  # the closed month is as it was closed
    booked = orders.entries(rn, "o-late")
    assert booked and sum(e.amount for e in booked) == D("1000.00")
    assert {e.period for e in booked} == {"2026-11"}
    assert all("belongs to closed period 2026-10" in e.explanation and "booked in 2026-11" in e.explanation
               for e in booked)
    assert any(e.status == "PAID" and e.beneficiary_id == "A" for e in booked)  # the direct reward, now
    after = member_state(rn, "B")  # statuses and quota move as for any order (docs/periods.md)
    assert after["packages"] == before["packages"] + 1 and after["quota"] > before["quota"]

    twin = engine(falkor.with_graph(f"twin_{uuid.uuid4().hex}"), "linkage-3plus1", "2026-10-03T08:00:00")
    members.register(twin, "R", member_id="R")
    members.register(twin, "A", sponsor_id="R", member_id="A")
    members.register(twin, "B", sponsor_id="A", member_id="B")
    orders.record_order(twin, "o-A", "A", D("5000.00"), at=ms("2026-10-02T08:00:00"))
    twin.clock = lambda: ms("2026-11-02T08:00:00")
    orders.record_order(twin, "o-late", "B", D("1000.00"))  # the same order, dated today
    assert {m: member_state(twin, m) for m in "RAB"} == {m: member_state(rn, m) for m in "RAB"}
    assert [(e.rule, e.status, e.amount, e.beneficiary_id) for e in orders.entries(twin, "o-late")] == \
        [(e.rule, e.status, e.amount, e.beneficiary_id) for e in booked]

    rn.clock = lambda: ms("2026-12-02T08:00:00")
    november = period_close.close_period(rn, "2026-11")  # the late order's pool shares are split now
    assert november.entries > 0
    split = [e for e in ledger(rn, period="2026-11", first=1000) if e.id.startswith("period:2026-11:level:o-late")]
    assert split and all("belongs to closed period 2026-10" in e.explanation for e in split)
    assert closed_state(rn, "2026-10") == october


def test_a_late_differential_order_is_booked_by_the_first_open_months_close_at_its_months_ranks(store):
    rn = engine(store, "differential", "2026-11-06T08:00:00")
    members.register(rn, "P", member_id="P")
    members.register(rn, "K", sponsor_id="P", member_id="K", kind="CUSTOMER")
    orders.record_order(rn, "nov", "K", D("2000.00"), at=ms("2026-11-05T08:00:00"))  # P: Teamleiter in November
    rn.clock = lambda: ms("2026-12-01T08:00:00")
    first = period_close.close_period(rn, "2026-11")
    november = closed_state(rn, "2026-11")

    orders.record_order(rn, "late", "K", D("100.00"), at=ms("2026-11-20T08:00:00"))
    assert closed_state(rn, "2026-11") == november
    assert period_close.close_period(rn, "2026-11") == first  # a closed month books nothing more
    assert orders.entries(rn, "late") == []  # not booked before December's close

    rn.clock = lambda: ms("2027-01-01T08:00:00")
    december = period_close.close_period(rn, "2026-12")
    assert december.orders == 1
    booked = orders.entries(rn, "late")
    assert {e.period for e in booked} == {"2026-12"}
    assert all("belongs to closed period 2026-11" in e.explanation for e in booked)
    paid = {e.beneficiary_id: e.amount for e in booked if e.status == "PAID"}
    assert paid == {"P": D("10.00")}  # Teamleiter 10 % by November's ranks (no December volume: Berater)
    assert closed_state(rn, "2026-11") == november

    refunds.refund_order(rn, "nov", D("500.00"), "returned", "r-nov")  # an order of the closed November
    reversals = [e for e in ledger(rn, period="2027-01", first=1000) if e.refund_id == "r-nov"]
    assert reversals and all("belongs to closed period 2026-11" in e.explanation for e in reversals)
    assert closed_state(rn, "2026-11") == november


def test_a_refund_of_an_order_of_a_closed_month_is_booked_in_the_first_open_month(store):
    rn = engine(store, "linkage-3plus1", "2026-10-03T08:00:00")
    members.register(rn, "R", member_id="R")
    members.register(rn, "A", sponsor_id="R", member_id="A")
    orders.record_order(rn, "o-A", "A", D("1000.00"), at=ms("2026-10-02T08:00:00"))
    rn.clock = lambda: ms("2026-11-02T08:00:00")
    period_close.close_period(rn, "2026-10")
    october = closed_state(rn, "2026-10")

    refund = refunds.refund_order(rn, "o-A", D("400.00"), "returned", "r1")
    assert refund.period == "2026-11"
    assert closed_state(rn, "2026-10") == october
    reversals = [e for e in ledger(rn, period="2026-11", first=1000) if e.refund_id == "r1"]
    assert reversals and sum(e.amount for e in reversals) <= D("-400.00")
    assert all("belongs to closed period 2026-10" in e.explanation for e in reversals)


def test_a_future_order_is_refused_and_one_within_the_tolerance_accepted(store, monkeypatch):
    rn = engine(store, "linkage-3plus1", "2026-11-20T12:00:00")
    members.register(rn, "A", member_id="A")
    for at in ("2026-11-20T12:05:01", "2026-12-01T00:00:00", "9999-12-31T00:00:00", "1999-12-31T23:59:59"):
        with pytest.raises(BadInput, match="at: "):
            orders.record_order(rn, f"o-{at}", "A", D("1000.00"), at=ms(at))
    assert rn.store.run_text("MATCH (o:Order) RETURN count(o) AS n")[0]["n"] == 0
    assert orders.record_order(rn, "skewed", "A", D("1000.00"), at=ms("2026-11-20T12:04:59")).period == "2026-11"
    monkeypatch.setenv("REFNET_CLOCK_SKEW_SECONDS", "0")
    with pytest.raises(BadInput, match="in the future"):
        orders.record_order(rn, "second", "A", D("1000.00"), at=ms("2026-11-20T12:00:01"))


def test_a_future_order_is_bad_input_in_graphql(gql, rn):
    rn.clock = lambda: ms("2026-11-20T12:00:00")
    members.register(rn, "A", member_id="A")
    record = "mutation($input: OrderInput!) { recordOrder(input: $input) { id } }"
    error = gql.error(record, input={"id": "f", "buyerId": "A", "amount": "1000.00", "at": "9999-12-31T00:00:00Z"})
    assert error["extensions"]["code"] == "BAD_INPUT" and "at:" in error["message"]
    gql.ok(record, input={"id": "ok", "buyerId": "A", "amount": "1000.00", "at": "2026-11-20T12:03:00Z"})
