"""A plan module added without touching any file outside its folder books through the same
engine: orders (one statement), the ledger, balances, refunds, the payout report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graph.core.errors import BadInput
from graph.core.plan import PlanError, load_plan, parse_plan
from graph.ledger import orders, refunds
from graph.ledger.entries import balance, ledger
from graph.ledger.payout import payout_report
from graph.ledger.period_close import close_period
from graph.network import members

PLAN_FILE = Path(__file__).with_name("plan.toml")
D = Decimal


@pytest.fixture
def plan():
    return load_plan(PLAN_FILE)


def test_the_plan_file_loads_the_module_by_its_name(plan) -> None:
    assert plan.has("tests.plans.referral_bonus")
    assert [type(module).__name__ for module in plan.plugins] == ["ReferralBonus"]
    assert plan.section("referral_bonus") == D("0.05")
    with pytest.raises(PlanError, match=r"referral_bonus.rate: '0.5x' is not a decimal number"):
        parse_plan(PLAN_FILE.read_bytes().replace(b'"0.05"', b'"0.5x"'))
    with pytest.raises(PlanError, match="unknown module 'tests.plans.no_such_bonus'"):
        parse_plan(PLAN_FILE.read_bytes().replace(b"referral_bonus\"]", b"no_such_bonus\"]"))


def test_orders_book_the_bonus_and_refunds_reverse_it(rn) -> None:
    members.register(rn, "Sponsor", member_id="s")
    members.register(rn, "Buyer", "s", member_id="b")
    members.register(rn, "Root buyer", member_id="r")
    orders.record_order(rn, "o1", "b", D("123.45"), at=1_790_000_000_000)
    orders.record_order(rn, "o2", "r", D("10.00"), at=1_790_000_000_000)

    entries = orders.entries(rn, "o1")
    assert [(e.id, e.rule, e.status, e.amount, e.beneficiary_id) for e in entries] == [
        ("order:o1#0", "referral_bonus", "PAID", D("6.17"), "s"),
        ("order:o1#1", "platform", "RETAINED", D("117.28"), None),
    ]
    assert [(e.rule, e.amount) for e in orders.entries(rn, "o2")] == [("platform", D("10.00"))]  # no sponsor
    assert balance(rn, "s").available == D("6.17")
    assert orders.record_order(rn, "o1", "b", D("123.45")).amount == D("123.45")  # idempotent
    assert len(ledger(rn, order_id="o1")) == 2

    refunds.refund_order(rn, "o1", D("123.45"), "returned", refund_id="f1")
    assert balance(rn, "s").available == D("0.00")
    after = orders.entries(rn, "o1")
    assert sum((e.amount for e in after), D("0.00")) == D("0.00")
    assert {e.reverses for e in after if e.reverses} == {"order:o1#0", "order:o1#1"}

    report = payout_report(rn, 0, 2_000_000_000_000)
    assert report.revenue == D("10.00")  # o1 refunded in full
    assert {line.rule for line in report.rules} == {"referral_bonus", "platform"}


def test_a_plan_without_a_period_close_refuses_one(rn) -> None:
    with pytest.raises(BadInput, match="no module of the running plan closes periods"):
        close_period(rn, "2026-11")


def test_the_api_books_it_like_any_plan(gql) -> None:
    from tests.support.orders import BALANCE, buy, register

    register(gql, "s")
    register(gql, "b", "s")
    order = buy(gql, "o1", "b", "200.00")
    assert [(e["id"], e["rule"], e["status"], e["amount"], e["beneficiaryId"]) for e in order["entries"]] == [
        ("order:o1#0", "referral_bonus", "PAID", "10.00", "s"),
        ("order:o1#1", "platform", "RETAINED", "190.00", None),
    ]
    assert gql.ok(BALANCE, id="s")["member"]["balance"]["available"] == "10.00"
    error = gql.error('mutation { closePeriod(period: "2026-11") { period } }')
    assert error["extensions"]["code"] == "BAD_INPUT"
