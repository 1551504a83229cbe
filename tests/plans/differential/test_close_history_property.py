"""Property (issue 18): the month close computed in memory from one snapshot and booked in
batches books exactly what an independent plain-Python reference of rules §9 and
docs/periods.md books, over random histories of two months: refunds before each close (the
order is booked at its net amount and counts net for the volumes), late orders of the closed
month recorded after its close (booked by the next close with the closed month's ranks, their
volume counted nowhere), and batches of every size, so the snapshot spans several statements."""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.plan import load_plan
from graph.ledger import orders, period_close, refunds
from graph.network import members
from graph.plans.differential import close as differential_close
from graph.plans.differential.month import MonthOrder, MonthSnapshot, month_bookings
from graph.service import Refnet
from tests.support.differential import close_entries
from tests.support.refunds import ms

RANKS = [(0, 5), (200_000, 10), (1_000_000, 15), (5_000_000, 20)]  # rules §9: (volume cents, rate %)
TOP, RECOMMENDER = 20, 5
PLANS = {"company": load_plan("differential"), "sponsor": load_plan("differential-sponsor-funded")}
OCT, NOV = "2026-10", "2026-11"
DATES = {OCT: ms("2026-10-15T12:00:00"), NOV: ms("2026-11-15T12:00:00")}
_graphs = itertools.count()


def line(sponsor: dict[str, str | None], member_id: str | None):
    while member_id is not None:
        yield member_id
        member_id = sponsor[member_id]


def rates(sponsor, kind, volume_orders) -> dict[str, int]:
    """A month's rate (%) of every partner from its group volume: [(buyer, net cents)]."""
    volume: dict[str, int] = defaultdict(int)
    for buyer, cents in volume_orders:
        for member_id in line(sponsor, buyer):
            volume[member_id] += cents
    return {m: max(r for t, r in RANKS if volume[m] >= t) for m in kind if kind[m] == "PARTNER"}


def reference(sponsor, kind, buyer, cents, referrer, rate, funding) -> list[tuple]:
    """One order's entries [(rule, status, beneficiary, cents)] by rules §9."""
    out = []
    recommender = referrer
    if recommender is None and sponsor[buyer] is not None and kind[sponsor[buyer]] == "CUSTOMER":
        recommender = sponsor[buyer]
    below = 0
    if recommender is not None:
        out.append(("recommender", "PAID", recommender, cents * RECOMMENDER // 100))
        below = RECOMMENDER if funding == "sponsor" else 0
    for member_id in line(sponsor, buyer):
        if kind[member_id] == "PARTNER" and rate[member_id] > below:
            out.append(("differential", "PAID", member_id, cents * (rate[member_id] - below) // 100))
            below = rate[member_id]
    budget = cents * TOP // 100 + (cents * RECOMMENDER // 100 if funding == "company" and recommender else 0)
    out.append(("differential", "RETAINED", None, budget - sum(e[3] for e in out)))
    return [e for e in out if e[3] > 0]


@st.composite
def histories(draw):
    n = draw(st.integers(2, 9))
    sponsor: dict[str, str | None] = {"m0": None}
    kind = {"m0": draw(st.sampled_from(["PARTNER", "CUSTOMER"]))}
    for i in range(1, n):
        sponsor[f"m{i}"] = draw(st.one_of(st.none(), st.sampled_from([f"m{j}" for j in range(i)])))
        kind[f"m{i}"] = draw(st.sampled_from(["PARTNER", "PARTNER", "CUSTOMER"]))
    ids = list(sponsor)
    amounts = st.one_of(st.integers(100, 3_000_000), st.sampled_from([200_000, 1_000_000, 5_000_000, 100]))

    def order_list(prefix: str, count: int) -> list[tuple]:
        result = []
        for k in range(count):
            buyer = draw(st.sampled_from(ids))
            referrer = draw(st.one_of(st.none(), st.sampled_from([m for m in ids if m != buyer])))
            cents = draw(amounts)
            refund = draw(st.one_of(st.just(0), st.integers(1, cents)))  # refunded before its close
            result.append((f"{prefix}{k}", buyer, cents, referrer, refund))
        return result

    return {
        "sponsor": sponsor, "kind": kind, "funding": draw(st.sampled_from(["company", "sponsor"])),
        "october": order_list("oct", draw(st.integers(0, 6))),
        "late": order_list("late", draw(st.integers(0, 4))),  # dated October, recorded after its close
        "november": order_list("nov", draw(st.integers(0, 6))),
        "batch": draw(st.integers(1, 4)),
        "archive": draw(st.booleans()),  # the close writes its entries to the archive (issue 18), or to the graph
    }


def expected_close(history) -> dict[str, list[tuple]]:
    """order id → its sorted close entries [(rule, status, beneficiary, cents, period)]."""
    sponsor, kind, funding = history["sponsor"], history["kind"], history["funding"]

    def net(orders_of):
        return [(buyer, cents - refund) for _, buyer, cents, _, refund in orders_of]

    october = rates(sponsor, kind, net(history["october"]))
    november = rates(sponsor, kind, net(history["november"]))  # late orders count in no month
    result = {}
    for month, orders_of, rate in ((OCT, history["october"], october), (NOV, history["late"], october),
                                   (NOV, history["november"], november)):
        for order_id, buyer, cents, referrer, refund in orders_of:
            entries = reference(sponsor, kind, buyer, cents - refund, referrer, rate, funding)
            result[order_id] = sorted((*e, month) for e in entries)
    return {order_id: entries for order_id, entries in result.items() if entries}


def record(rn: Refnet, orders_of: list[tuple], month: str) -> None:
    for order_id, buyer, cents, referrer, refund in orders_of:
        orders.record_order(rn, order_id, buyer, Decimal(cents) / 100, referrer_id=referrer, at=DATES[month])
        if refund:
            refunds.refund_order(rn, order_id, Decimal(refund) / 100, "returned before the close")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_the_close_books_what_the_reference_books(falkor, tmp_path_factory, history):
    rn = Refnet.start(falkor.with_graph(f"differential_history_{next(_graphs)}"), PLANS[history["funding"]],
                      archive=tmp_path_factory.mktemp("archive") if history["archive"] else None)
    rn.clock = lambda: ms("2026-12-02T08:00:00")
    for member_id, sponsor_id in history["sponsor"].items():
        members.register(rn, member_id, sponsor_id=sponsor_id, member_id=member_id, kind=history["kind"][member_id])
    record(rn, history["october"], OCT)
    differential_close.close_period(rn, OCT, batch=history["batch"], member_batch=history["batch"])
    record(rn, history["late"], OCT)
    record(rn, history["november"], NOV)
    preview = period_close.preview_period(rn, NOV)
    computed = month_bookings(differential_close.read_snapshot(rn, NOV), PLANS[history["funding"]].section("differential"))
    assert differential_close.booking_rows(rn, NOV, computed) == [
        {key: value for key, value in row.items() if value is not None}
        for row in differential_close.entries_of(rn, NOV, computed)]
    differential_close.close_period(rn, NOV, batch=history["batch"], member_batch=history["batch"])
    stored = close_entries(rn, NOV)
    assert stored == sorted(({key: row[key] for key in stored[0]} for row in preview), key=lambda row: row["id"]) \
        if stored else preview == []
    rows = [{"o": row["order_id"], "rule": row["rule"], "status": row["status"], "who": row["beneficiary_id"],
             "cents": row["amount"], "period": row["period"]} for row in close_entries(rn)]
    if history["archive"]:
        assert rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 0  # the closes created none
    booked: dict[str, list] = defaultdict(list)
    for row in rows:
        booked[row["o"]].append((row["rule"], row["status"], row["who"], row["cents"], row["period"]))
    assert {order_id: sorted(entries) for order_id, entries in booked.items()} == expected_close(history)
    assert sorted((e["order_id"], e["rule"], e["status"], e["beneficiary_id"] or "", e["amount"], e["period"])
                  for e in preview) == sorted((order_id, rule, status, who or "", cents, period)
                                              for order_id, entries in booked.items()
                                              for rule, status, who, cents, period in entries if period == NOV)
    runs = {run.period: run for run in (differential_close.get_run(rn, OCT), differential_close.get_run(rn, NOV))
            if run is not None}
    assert {period: run.state for period, run in runs.items()} == {OCT: "DONE", NOV: "DONE"}
    paid = {row["id"]: row["paid"] for row in rn.store.run_text(
        "MATCH (m:Member) RETURN m.id AS id, coalesce(m.paid, 0) AS paid")}
    earned: dict[str, int] = defaultdict(int)
    for entries in expected_close(history).values():
        for _, status, who, cents, _ in entries:
            if status == "PAID":
                earned[who] += cents
    assert paid == {member_id: earned[member_id] for member_id in history["kind"]}


@settings(max_examples=300, deadline=None)
@given(history=histories())
def test_the_in_memory_month_equals_the_rule_walking_the_whole_line(history):
    """Without the database: the close's computation (stairs of the sponsor line, volumes
    bottom-up) books what the rule books walking each buyer's whole sponsor line."""
    from graph.plans.differential.rules import OrderView, Person, order_bookings

    sponsor, kind, config = history["sponsor"], history["kind"], PLANS[history["funding"]].section("differential")
    month_orders = [MonthOrder(order_id, buyer, cents - refund, NOV, referrer, DATES[NOV], True, True)
                    for order_id, buyer, cents, referrer, refund in history["november"]]
    booked = month_bookings(MonthSnapshot(NOV, 1, sponsor, kind, month_orders), config)
    rate = rates(sponsor, kind, [(order.buyer_id, order.cents) for order in month_orders])
    by_rate = {r.rate * 100: r for r in config.ranks}

    def person(member_id: str) -> Person:
        return Person(member_id, kind[member_id], by_rate[rate[member_id]] if member_id in rate else None)

    assert [order.id for order, _ in booked] == sorted(order.id for order in month_orders)
    for order, bookings in booked:
        whole_line = tuple(person(m) for m in line(sponsor, sponsor[order.buyer_id]))
        view = OrderView(order.id, Decimal(order.cents) / 100, person(order.buyer_id), whole_line, order.referrer_id)
        assert bookings == order_bookings(view, config, NOV)
