"""Rank history (issue 14): each closed month keeps every partner's rank (differential) and each
member's level and identity (linkage); `Member.rank` is the last closed month's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.plan import load_plan
from graph.ledger import orders, period_close
from graph.network import members
from graph.plans.linkage.withdrawals_store import set_identity
from graph.service import Refnet
from tests.support.refunds import ms

HISTORY = "query($id: ID!) { member(id: $id) { rank rankHistory { period rank level identity } } }"


@pytest.fixture
def plan(request):
    return load_plan(getattr(request, "param", "differential"))


@pytest.fixture
def rn(store, plan):
    engine = Refnet.start(store, plan)
    engine.clock = lambda: ms("2026-10-01T00:00:00")
    return engine


def buy(rn: Refnet, order_id: str, buyer: str, amount: str, day: str) -> None:
    rn.clock = lambda: ms(f"{day}T12:00:00")
    orders.record_order(rn, order_id, buyer, Decimal(amount), at=ms(f"{day}T08:00:00"))


def close(rn: Refnet, period: str, now: str) -> None:
    rn.clock = lambda: ms(now)
    period_close.close_period(rn, period)


def test_three_months_with_a_rank_drop_in_between(gql, rn):
    members.register(rn, "P", member_id="P", kind="PARTNER")
    members.register(rn, "Q", member_id="Q", kind="PARTNER")
    members.register(rn, "K", sponsor_id="P", member_id="K", kind="CUSTOMER")
    buy(rn, "oct", "K", "2000.00", "2026-10-05")  # P: Teamleiter in October
    close(rn, "2026-10", "2026-11-01T01:00:00")
    buy(rn, "nov", "K", "10.00", "2026-11-05")  # November: Berater
    close(rn, "2026-11", "2026-12-01T01:00:00")
    buy(rn, "dec", "K", "10000.00", "2026-12-05")  # December: Manager
    close(rn, "2026-12", "2027-01-01T01:00:00")

    got = gql.ok(HISTORY, id="P")["member"]
    assert [(m["period"], m["rank"]) for m in got["rankHistory"]] == [
        ("2026-10", "Teamleiter"), ("2026-11", "Berater"), ("2026-12", "Manager")]
    assert got["rank"] == "Manager"  # the last closed month's
    q = gql.ok(HISTORY, id="Q")["member"]  # a partner without volume has the base rank every month
    assert [(m["period"], m["rank"]) for m in q["rankHistory"]] == [
        ("2026-10", "Berater"), ("2026-11", "Berater"), ("2026-12", "Berater")]
    assert gql.ok(HISTORY, id="K")["member"]["rankHistory"] == []  # a customer has no rank

    close(rn, "2027-01", "2027-02-01T01:00:00")  # an empty month: its own record, the others stay
    history = gql.ok(HISTORY, id="P")["member"]["rankHistory"]
    assert [(m["period"], m["rank"]) for m in history] == [
        ("2026-10", "Teamleiter"), ("2026-11", "Berater"), ("2026-12", "Manager"), ("2027-01", "Berater")]


@pytest.mark.parametrize("plan", ["linkage-3plus1"], indirect=True)
def test_a_linkage_month_keeps_each_members_level_and_identity(gql, rn):
    members.register(rn, "R", member_id="R")
    members.register(rn, "A", sponsor_id="R", member_id="A")
    members.register(rn, "B", sponsor_id="A", member_id="B")
    set_identity(rn, "R", "DIRECTOR")
    buy(rn, "o1", "B", "5000.00", "2026-10-05")
    buy(rn, "o2", "B", "5000.00", "2026-10-06")  # A and R: 10,000 of downline sales, v1
    close(rn, "2026-10", "2026-11-01T01:00:00")
    set_identity(rn, "R", "PARTNER")  # a later change does not touch the closed month
    close(rn, "2026-11", "2026-12-01T01:00:00")

    r = gql.ok(HISTORY, id="R")["member"]["rankHistory"]
    assert r == [{"period": "2026-10", "rank": "v1", "level": "v1", "identity": "DIRECTOR"},
                 {"period": "2026-11", "rank": "v1", "level": "v1", "identity": "PARTNER"}]
    a = gql.ok(HISTORY, id="A")["member"]["rankHistory"]
    assert [(m["period"], m["level"], m["identity"]) for m in a] == [("2026-10", "v1", None), ("2026-11", "v1", None)]
    assert gql.ok(HISTORY, id="B")["member"]["rankHistory"] == []  # no downline sales, no identity


REPORT = "{ networkReport { members customers partners agents bosses ranks { rank partners } } }"


def test_the_network_report_counts_the_differential_plans_partners_customers_and_ranks(gql, rn):
    members.register(rn, "P", member_id="P", kind="PARTNER")
    members.register(rn, "Q", member_id="Q", kind="PARTNER")
    members.register(rn, "K", sponsor_id="P", member_id="K", kind="CUSTOMER")
    members.register(rn, "L", sponsor_id="P", member_id="L", kind="CUSTOMER")
    buy(rn, "oct", "K", "2000.00", "2026-10-05")
    close(rn, "2026-10", "2026-11-01T01:00:00")
    report = gql.ok(REPORT)["networkReport"]
    assert report == {"members": 4, "customers": 2, "partners": 2, "agents": 0, "bosses": 0,
                      "ranks": [{"rank": "Berater", "partners": 1}, {"rank": "Teamleiter", "partners": 1}]}
