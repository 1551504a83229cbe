"""The linkage allocation as a pure function (no database): statuses with the order counted,
quota and burn, rounding remainders."""

from __future__ import annotations

from decimal import Decimal

from graph.core.plan import load_plan, parse_plan
from graph.plans.linkage.allocation import Ancestor, Holder, OrderView, allocate, status_of

PLAN = load_plan("linkage-3plus1")
D = Decimal


def rows(allocation) -> list[tuple]:
    return [(b.rule, b.status, b.amount, b.beneficiary_id) for b in allocation.bookings]


def test_statuses():
    assert status_of(0, 5, 3) == "CUSTOMER"
    assert status_of(1, 2, 3) == "AGENT"
    assert status_of(2, 3, 3) == "BOSS"


def test_the_order_that_makes_the_third_referral_an_agent_pays_the_sponsor_as_a_boss():
    """Worked example C of rules §3, as plain data."""
    t = Holder("T", packages=1, agent_referrals=3, quota=D("30000.00"))
    s = Holder("S", packages=1, agent_referrals=2, quota=D("30000.00"))
    c = Holder("C")
    order = OrderView("o", D("1000.00"), c, s, (Ancestor(s, 3, 0, t, "C"), Ancestor(t, 3, 0, None, "S")))
    allocation = allocate(order, PLAN)
    assert rows(allocation)[:3] == [("direct", "PAID", D("100.00"), "S"), ("see_point", "PAID", D("200.00"), "S"),
                                    ("peer", "PAID", D("30.00"), "T")]
    assert allocation.statuses == {"C": "AGENT", "S": "BOSS"}
    assert allocation.buyer_became_agent and allocation.quota_added == D("1000.00")
    assert allocation.quota_used == {"S": D("300.00"), "T": D("30.00")}
    assert allocation.pools == {"dividend": D("40.00"), "points": D("300.00"), "level": D("30.00"),
                                "shareholder": D("30.00")}


def test_rotation_moves_the_wealth_slot():
    """With r = 1 the wealth slot is 1: an order coming up slot 3 passes the boss by."""
    boss = Holder("B", packages=1, agent_referrals=3, quota=D("1000.00"))
    buyer = Holder("X", packages=1)
    up_slot_3 = OrderView("o", D("1000.00"), buyer, boss, (Ancestor(boss, 3, 1, None, "X"),))
    assert rows(allocate(up_slot_3, PLAN))[1] == ("see_point", "RETAINED", D("200.00"), None)
    up_slot_1 = OrderView("o", D("1000.00"), buyer, boss, (Ancestor(boss, 1, 1, None, "X"),))
    assert rows(allocate(up_slot_1, PLAN))[1] == ("see_point", "PAID", D("200.00"), "B")


def test_quota_is_consumed_in_the_order_direct_see_point_peer():
    """50.00 left: the 100.00 direct takes it (50 paid, 50 burned), the 200.00 see-point burns whole."""
    s = Holder("S", packages=1, agent_referrals=3, quota=D("1000.00"), quota_used=D("950.00"))
    x = Holder("X", packages=1)
    allocation = allocate(OrderView("o", D("1000.00"), x, s, (Ancestor(s, 3, 0, None, "X"),)), PLAN)
    assert rows(allocation)[:4] == [
        ("direct", "PAID", D("50.00"), "S"), ("direct", "BURNED", D("50.00"), "S"),
        ("see_point", "BURNED", D("200.00"), "S"), ("peer", "RETAINED", D("30.00"), None),
    ]
    assert allocation.quota_used == {"S": D("50.00")}
    assert sum(b.amount for b in allocation.bookings) == D("1000.00")


def test_rounding_remainders_are_retained():
    plan = parse_plan(
        b'[plan]\nname = "odd"\nmodules = ["linkage", "points", "dividend_pool", "level", "shareholder"]\n'
        b'[allocation]\ndirect = "0.10"\nsee_point = "0.20"\npeer = "0.03"\ndividend_pool = "0.04"\n'
        b'points_pool = "0.30"\ncost = "0.20"\nplatform = "0.07"\nlevel_pool = "0.03"\nshareholder_pool = "0.03"\n'
        b'[[packages]]\nprice = "999.99"\nquota = "999.99"\n'
    )
    allocation = allocate(OrderView("o", D("999.99"), Holder("X"), None, ()), plan)
    assert allocation.bookings[-1].rule == "platform" and allocation.bookings[-1].status == "RETAINED"
    assert allocation.bookings[-1].amount == D("0.08")
    assert allocation.bookings[-1].explanation == "rounding remainder 0.08 of 999.99 retained"
    assert sum(b.amount for b in allocation.bookings) == D("999.99")


def test_linkage_rewards_consume_the_quota_in_rule_order_whatever_the_file_order():
    plan = parse_plan(
        b'[plan]\nname = "reordered"\nmodules = ["linkage"]\n'
        b'[allocation]\ncost = "0.67"\npeer = "0.03"\nsee_point = "0.20"\ndirect = "0.10"\n'
        b'[[packages]]\nprice = "1000.00"\nquota = "1000.00"\n'
    )
    boss = Holder("S", packages=1, agent_referrals=3, quota=D("1000.00"), quota_used=D("850.00"))
    top = Holder("T", packages=1, agent_referrals=3, quota=D("1000.00"))
    order = OrderView("o", D("1000.00"), Holder("X", packages=1), boss,
                      (Ancestor(boss, 3, 0, top, "X"),))
    assert rows(allocate(order, plan)) == [
        ("direct", "PAID", D("100.00"), "S"), ("see_point", "PAID", D("50.00"), "S"),
        ("see_point", "BURNED", D("150.00"), "S"), ("peer", "PAID", D("30.00"), "T"),
        ("cost", "COST", D("670.00"), None),
    ]
