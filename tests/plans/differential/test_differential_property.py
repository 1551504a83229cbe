"""Property: a closed month of the differential plan equals an independent plain-Python model
of rules §9 (integer cents, written here from the rules, not from graph/plans/differential/rules.py), and
per order every entry is positive, the paid total is at most (top % + recommender %) × V, and
the entries sum exactly to the order's bonus budget."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.money import to_cents
from graph.core.plan import load_plan
from graph.ledger import orders
from graph.network import members
from graph.plans.differential import close as differential_close
from graph.plans.differential.rules import OrderView, Person, order_bookings
from graph.service import Refnet
from tests.support.differential import close_entries

# rules §9: (group volume threshold in cents, rate in %), the recommender's 5 %
RANKS = [(0, 5), (200_000, 10), (1_000_000, 15), (5_000_000, 20)]
TOP, RECOMMENDER = 20, 5
PLANS = {"company": load_plan("differential"), "sponsor": load_plan("differential-sponsor-funded")}
NOV = int(datetime(2026, 11, 10, tzinfo=timezone.utc).timestamp() * 1000)
_graphs = itertools.count()


def model(sponsor: dict[str, str | None], kind: dict[str, str], order_list: list[tuple], funding: str):
    """order id → sorted [(rule, status, beneficiary, cents)] for one month of orders
    [(id, buyer, cents, referrer)]."""

    def line(member_id: str | None):
        while member_id is not None:
            yield member_id
            member_id = sponsor[member_id]

    volume: dict[str, int] = defaultdict(int)
    for _, buyer, cents, _ in order_list:
        for member_id in line(buyer):
            volume[member_id] += cents
    rate = {m: max(r for t, r in RANKS if volume[m] >= t) for m in kind if kind[m] == "PARTNER"}
    result = {}
    for order_id, buyer, cents, referrer in order_list:
        out = []
        recommender = referrer
        if recommender is None and sponsor[buyer] is not None and kind[sponsor[buyer]] == "CUSTOMER":  # type: ignore[index]
            recommender = sponsor[buyer]
        below = 0
        if recommender is not None:
            out.append(("recommender", "PAID", recommender, cents * RECOMMENDER // 100))
            if funding == "sponsor":
                below = RECOMMENDER
        for member_id in line(buyer):
            if kind[member_id] == "PARTNER" and rate[member_id] > below:
                out.append(("differential", "PAID", member_id, cents * (rate[member_id] - below) // 100))
                below = rate[member_id]
        budget = cents * TOP // 100 + (cents * RECOMMENDER // 100 if funding == "company" and recommender else 0)
        out.append(("differential", "RETAINED", None, budget - sum(e[3] for e in out)))
        result[order_id] = sorted((e for e in out if e[3] > 0), key=repr)
    return result, rate


@st.composite
def months(draw):
    n = draw(st.integers(2, 10))
    sponsor: dict[str, str | None] = {"m0": None}
    kind = {"m0": draw(st.sampled_from(["PARTNER", "CUSTOMER"]))}
    for i in range(1, n):
        sponsor[f"m{i}"] = draw(st.one_of(st.none(), st.sampled_from([f"m{j}" for j in range(i)]))) if i > 1 \
            else "m0"
        kind[f"m{i}"] = draw(st.sampled_from(["PARTNER", "PARTNER", "CUSTOMER"]))
    ids = list(sponsor)
    order_list = []
    for k in range(draw(st.integers(1, 8))):
        buyer = draw(st.sampled_from(ids))
        cents = draw(st.one_of(st.integers(1, 2_000_000), st.sampled_from([200_000, 1_000_000, 5_000_000, 1, 99])))
        referrer = draw(st.one_of(st.none(), st.sampled_from([m for m in ids if m != buyer])))
        order_list.append((f"o{k}", buyer, cents, referrer))
    funding = draw(st.sampled_from(["company", "sponsor"]))
    return sponsor, kind, order_list, funding


def check_invariants(order_list, booked) -> None:
    for order_id, _, cents, _ in order_list:
        entries = booked.get(order_id, [])
        assert all(e[3] > 0 for e in entries)
        paid = sum(e[3] for e in entries if e[1] == "PAID")
        assert paid * 100 <= (TOP + RECOMMENDER) * cents


@pytest.mark.parametrize("archived", [False, True])  # the close writes its entries to the graph, or the archive
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=months())
def test_a_closed_month_equals_the_model(falkor, tmp_path_factory, archived, month):
    sponsor, kind, order_list, funding = month
    rn = Refnet.start(falkor.with_graph(f"differential_property_{next(_graphs)}"), PLANS[funding],
                      archive=tmp_path_factory.mktemp("archive") if archived else None)
    for member_id, sponsor_id in sponsor.items():  # sponsors come first in dict order
        members.register(rn, member_id, sponsor_id=sponsor_id, member_id=member_id, kind=kind[member_id])
    for order_id, buyer, cents, referrer in order_list:
        orders.record_order(rn, order_id, buyer, Decimal(cents) / 100, referrer_id=referrer, at=NOV)
    differential_close.close_period(rn, "2026-11", batch=3, member_batch=3)
    rows = [{"o": row["order_id"], "rule": row["rule"], "status": row["status"], "who": row["beneficiary_id"],
             "cents": row["amount"]} for row in close_entries(rn)]
    assert not archived or rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 0
    booked: dict[str, list] = defaultdict(list)
    for row in rows:
        booked[row["o"]].append((row["rule"], row["status"], row["who"], row["cents"]))
    expected, rate = model(sponsor, kind, order_list, funding)
    assert {o: sorted(e, key=repr) for o, e in booked.items()} == {o: e for o, e in expected.items() if e}
    check_invariants(order_list, booked)
    ranks = {row["id"]: row["rank"] for row in rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, m.rank AS rank")}
    names = {r.rate * 100: r.name for r in PLANS[funding].section("differential").ranks}
    assert ranks == {m: (names[rate[m]] if m in rate else None) for m in kind}
    balances = rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, coalesce(m.paid, 0) AS paid")
    earned: dict[str, int] = defaultdict(int)
    for entries in expected.values():
        for _rule, status, who, cents in entries:
            if status == "PAID":
                earned[who] += cents
    assert {row["id"]: row["paid"] for row in balances} == {m: earned[m] for m in kind}


@settings(max_examples=300, deadline=None)
@given(month=months())
def test_the_pure_rule_equals_the_model(month):
    """The same comparison without the database, on many more months."""
    sponsor, kind, order_list, funding = month
    config = PLANS[funding].section("differential")
    expected, rate = model(sponsor, kind, order_list, funding)
    names = {r.rate * 100: r for r in config.ranks}
    ranks = {m: names[rate[m]] for m in rate}

    def person(member_id: str) -> Person:
        return Person(member_id, kind[member_id], ranks.get(member_id))

    booked = {}
    for order_id, buyer, cents, referrer in order_list:
        upline = []
        up = sponsor[buyer]
        while up is not None:
            upline.append(person(up))
            up = sponsor[up]
        view = OrderView(order_id, Decimal(cents) / 100, person(buyer), tuple(upline), referrer)
        bookings = order_bookings(view, config, "2026-11")
        booked[order_id] = sorted(((b.rule, b.status, b.beneficiary_id, to_cents(b.amount)) for b in bookings), key=repr)
    assert booked == expected
    check_invariants(order_list, booked)
