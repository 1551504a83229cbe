"""The differential plan through GraphQL (rules §9): the worked example in both funding modes,
ranks and the stair-step, customers, cross-structure referrals, and the month close's
idempotency and crash recovery."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.plan import load_plan
from graph.plans.differential import close as differential_close
from tests.support.differential import CLOSE, ORDER, RECORD, buy, close, entries, member, register


@pytest.fixture
def plan(request):
    """The differential plan (funding company) unless a test asks for another one."""
    return load_plan(getattr(request, "param", "differential"))


SPONSOR_FUNDED = pytest.mark.parametrize("plan", ["differential-sponsor-funded"], indirect=True)
BOTH_FUNDINGS = pytest.mark.parametrize("plan", ["differential", "differential-sponsor-funded"], indirect=True)


def paid(gql, order_id: str) -> dict[str, str]:
    """beneficiary → amount of the order's PAID entries."""
    return {who: amount for rule, status, amount, who in entries(gql, order_id) if status == "PAID"}


@BOTH_FUNDINGS
def test_worked_example_of_rules_section_9(gql, plan):
    """Partner P (Direktor: its own 49,000.00 + N's 1,000.00 reach 50,000.00 exactly) sponsors
    customer K; K recommends new customer N, who orders V = 1000.00."""
    register(gql, "P")
    register(gql, "K", "P", "CUSTOMER")
    register(gql, "N", "K", "CUSTOMER")
    buy(gql, "own", "P", "49000.00", day=3)
    assert buy(gql, "n1", "N", "1000.00")["entries"] == []  # booked at the month's close
    run = close(gql)
    assert member(gql, "P")["rank"] == "Direktor"
    assert member(gql, "K")["rank"] is None and member(gql, "N")["rank"] is None
    if plan.name == "differential":
        assert entries(gql, "n1") == [
            ("recommender", "PAID", "50.00", "K"),
            ("differential", "PAID", "200.00", "P"),
        ]
        assert run["total"] == "10050.00"  # 50 + 200 + 20 % of P's own 49,000
    else:
        assert entries(gql, "n1") == [
            ("recommender", "PAID", "50.00", "K"),
            ("differential", "PAID", "150.00", "P"),
        ]
        explanation = gql.ok(ORDER, id="n1")["order"]["entries"][1]["explanation"]
        assert explanation.startswith("differential 20% - 5% already paid below = 15% of 1000.00")
        assert run["total"] == "10000.00"
    assert run == {**run, "period": "2026-11", "orders": 2, "state": "DONE", "plan": plan.name}
    assert member(gql, "K")["balance"]["available"] == "50.00"
    assert member(gql, "N")["balance"]["available"] == "0.00"


def test_equal_ranks_in_a_row_the_upper_one_earns_nothing(gql):
    register(gql, "A")
    register(gql, "B", "A")
    register(gql, "X", "B", "CUSTOMER")
    buy(gql, "x1", "X", "2000.00")
    close(gql)
    assert member(gql, "A")["rank"] == member(gql, "B")["rank"] == "Teamleiter"
    assert entries(gql, "x1") == [
        ("differential", "PAID", "200.00", "B"),
        ("differential", "RETAINED", "200.00", None),  # budget 20 % = 400.00, 200.00 paid
    ]


def test_a_higher_rank_above_a_lower_one_earns_the_difference_and_thresholds_are_inclusive(gql):
    """A's group volume is exactly 10,000.00 (Manager); C's is 9,999.99 (still Teamleiter)."""
    register(gql, "A")
    register(gql, "B", "A")
    register(gql, "X", "B", "CUSTOMER")
    register(gql, "C", "A")
    buy(gql, "x1", "X", "2000.00")
    buy(gql, "c1", "C", "7999.99")
    buy(gql, "c2", "C", "0.01")  # A: 2000 + 8000 = 10,000.00 exactly
    register(gql, "D")
    buy(gql, "d1", "D", "9999.99")
    close(gql)
    assert member(gql, "A")["rank"] == "Manager"
    assert member(gql, "C")["rank"] == "Teamleiter"
    assert member(gql, "D")["rank"] == "Teamleiter"
    assert entries(gql, "x1") == [
        ("differential", "PAID", "200.00", "B"),
        ("differential", "PAID", "100.00", "A"),  # 15 % - 10 %
        ("differential", "RETAINED", "100.00", None),
    ]
    # a partner earns on its own purchase: C 10 % of 7999.99, A 5 % more
    assert paid(gql, "c1") == {"C": "799.99", "A": "399.99"}
    assert paid(gql, "c2") == {}  # 10 % of 0.01 rounds down to 0.00: nothing is booked as paid
    assert member(gql, "B")["rank"] == "Teamleiter"


def test_a_customer_buying_for_itself_earns_nothing(gql):
    register(gql, "P")
    register(gql, "J", "P", "CUSTOMER")
    register(gql, "K", "J", "CUSTOMER")
    buy(gql, "j1", "J", "100.00")  # J's sponsor is a partner: no recommender
    buy(gql, "k1", "K", "100.00")  # K's sponsor J is a customer: J recommends, K gets nothing
    close(gql)
    assert paid(gql, "j1") == {"P": "5.00"}
    assert paid(gql, "k1") == {"J": "5.00", "P": "5.00"}
    assert member(gql, "K")["balance"]["available"] == "0.00"
    assert member(gql, "J")["balance"]["available"] == "5.00"


@BOTH_FUNDINGS
def test_a_cross_structure_referrer_in_another_branch_earns_the_recommender_bonus(gql, plan):
    """Root C; branch 1: partner P1 with customer N; branch 2: partner P2 with customer R.
    R recommended N's order: R earns 5 %; N's sponsor line sees 5 % as paid with `sponsor`."""
    register(gql, "C")
    register(gql, "P1", "C")
    register(gql, "N", "P1", "CUSTOMER")
    register(gql, "P2", "C")
    register(gql, "R", "P2", "CUSTOMER")
    order = buy(gql, "n1", "N", "3000.00", referrerId="R")
    assert order["referrerId"] == "R"
    close(gql)
    assert member(gql, "P1")["rank"] == "Teamleiter" and member(gql, "C")["rank"] == "Teamleiter"
    if plan.name == "differential":
        assert paid(gql, "n1") == {"R": "150.00", "P1": "300.00"}
    else:
        assert paid(gql, "n1") == {"R": "150.00", "P1": "150.00"}  # 10 % - 5 % already paid
    assert member(gql, "P2")["balance"]["available"] == "0.00"


def test_a_referrer_replaces_a_customer_sponsor_as_recommender(gql):
    register(gql, "P")
    register(gql, "K", "P", "CUSTOMER")
    register(gql, "N", "K", "CUSTOMER")
    register(gql, "R", "P", "CUSTOMER")
    buy(gql, "n1", "N", "100.00", referrerId="R")
    close(gql)
    assert paid(gql, "n1") == {"R": "5.00", "P": "5.00"}


def test_any_positive_amount_in_cents_and_order_errors(gql, rn):
    register(gql, "P")
    register(gql, "K", "P", "CUSTOMER")
    assert buy(gql, "o1", "K", "12.34")["amount"] == "12.34"
    for amount in ("1.234", "-5", "0"):
        error = gql.error(RECORD, input={"id": "bad", "buyerId": "K", "amount": amount})
        assert error["extensions"]["code"] == "BAD_INPUT", amount
    error = gql.error(RECORD, input={"id": "self", "buyerId": "K", "amount": "1.00", "referrerId": "K"})
    assert error["extensions"]["code"] == "BAD_INPUT" and "referrerId" in error["message"]
    error = gql.error(RECORD, input={"id": "ghost", "buyerId": "K", "amount": "1.00", "referrerId": "nobody"})
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert rn.store.run_text("MATCH (o:Order) RETURN count(o) AS n")[0]["n"] == 1


def test_closing_is_idempotent_and_a_closed_month_takes_no_orders(gql, rn):
    register(gql, "P")
    register(gql, "K", "P", "CUSTOMER")
    buy(gql, "o1", "K", "100.00")
    first = close(gql)
    count = rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"]
    assert close(gql) == first
    assert rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == count
    error = gql.error(RECORD, input={"id": "late", "buyerId": "K", "amount": "1.00", "at": "2026-11-30T23:59:59Z"})
    assert error["extensions"]["code"] == "CONFLICT" and "2026-11" in error["message"]
    gql.ok(RECORD, input={"id": "dec", "buyerId": "K", "amount": "1.00", "at": "2026-12-01T00:00:00Z"})
    assert gql.ok(CLOSE, period="2026-12")["closePeriod"]["orders"] == 1


def test_member_rank_shows_the_last_closed_month(gql):
    register(gql, "P")
    register(gql, "K", "P", "CUSTOMER")
    register(gql, "Q")
    assert member(gql, "P")["rank"] is None
    buy(gql, "nov", "K", "2000.00", day=1)
    gql.ok(RECORD, input={"id": "o-oct", "buyerId": "K", "amount": "2000.00", "at": "2026-10-15T00:00:00Z"})
    gql.ok(RECORD, input={"id": "o-dec", "buyerId": "K", "amount": "10.00", "at": "2026-12-15T00:00:00Z"})
    close(gql, "2026-11")
    assert member(gql, "P")["rank"] == "Teamleiter" and member(gql, "Q")["rank"] == "Berater"
    close(gql, "2026-12")
    assert member(gql, "P")["rank"] == "Berater"
    close(gql, "2026-10")  # an earlier month closed late does not replace the last month's rank
    assert member(gql, "P")["rank"] == "Berater"
    assert paid(gql, "o-oct") == {"P": "200.00"}


@pytest.mark.parametrize("period", ["2026-13", "2026-W48", "26-11", "2026-1"])
def test_close_period_needs_a_month(gql, period):
    assert gql.error(CLOSE, period=period)["extensions"]["code"] == "BAD_INPUT"


def test_a_killed_close_completes_on_rerun_without_booking_twice(gql, rn):
    register(gql, "P")
    register(gql, "J", "P", "CUSTOMER")
    register(gql, "K", "J", "CUSTOMER")
    for index in range(7):
        buy(gql, f"o{index}", "K", "100.00")

    class Killed(Exception):
        pass

    def kill_after_two(number: int) -> None:
        if number == 1:
            raise Killed()

    with pytest.raises(Killed):
        differential_close.close_period(rn, "2026-11", batch=2, after_batch=kill_after_two)
    assert gql.ok("{ periodRun(period: \"2026-11\") { state orders } }")["periodRun"] == {"state": "RUNNING", "orders": 4}
    run = close(gql)
    assert run["state"] == "DONE" and run["orders"] == 7
    assert run["total"] == "70.00"  # 7 × (J 5.00 + P 5.00)
    rows = rn.store.run_text("MATCH (e:Entry) RETURN e.order_id AS o, e.status AS s, e.amount AS a")
    assert len(rows) == 7 * 3  # recommender, differential, retained per order, each once
    assert sum(row["a"] for row in rows if row["s"] == "PAID") == 7000
    assert member(gql, "P")["balance"]["available"] == "35.00"
    assert member(gql, "J")["balance"]["available"] == "35.00"
    assert close(gql) == run


@pytest.mark.parametrize("plan", ["linkage-3plus1"], indirect=True)
def test_close_period_runs_the_plans_own_close_without_the_differential(gql):
    """closePeriod closes the running plan's month (here the linkage pools), not a differential one."""
    run = gql.ok(CLOSE, period="2026-11")["closePeriod"]
    assert run["state"] == "DONE" and run["orders"] is None and run["plan"] is None
    error = gql.error('{ periodRun(period: "2026-11") { state } }')
    assert error["extensions"]["code"] == "BAD_INPUT"


def test_two_closes_at_once_book_every_order_once(gql, rn):
    from concurrent.futures import ThreadPoolExecutor

    register(gql, "P")
    register(gql, "J", "P", "CUSTOMER")
    register(gql, "K", "J", "CUSTOMER")
    for index in range(9):
        buy(gql, f"o{index}", "K", "100.00")
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: differential_close.close_period(rn, "2026-11", batch=2), range(2)))
    assert {(run.state, run.orders, run.entries, run.total) for run in runs} == {("DONE", 9, 27, Decimal("90.00"))}
    assert rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 27
    assert member(gql, "J")["balance"]["available"] == "45.00"
