"""Random orders, refunds and month closes: every order's entries plus reversals sum exactly to
amount − refunded, every reversal stays within its entry and near its pro-rata share, and every
member counter and pool balance agrees with an independent recount from the ledger (a pool is
what orders put in minus what closes and points sales paid out, reversals included)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from fractions import Fraction

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graph.core.money import from_cents
from graph.core.plan import load_plan
from graph.ledger import orders, refunds
from graph.ledger.refunds import reversal_cents
from graph.network import members
from graph.plans.linkage import close as linkage_close
from graph.service import Refnet
from tests.support.refunds import ms

_graphs = itertools.count()
PLAN = load_plan("linkage-3plus1")
PRICES = [100000, 500000, 1000000]  # cents
LINKAGE = ("direct", "see_point", "peer")


@settings(max_examples=300, deadline=None)
@given(booked=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=12),
       cuts=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=6))
def test_partial_reversals_are_exact_bounded_and_end_at_the_booked_amounts(booked, cuts):
    total = sum(booked)
    reversed_ = [0] * len(booked)
    refunded = 0
    for number, cut in enumerate(cuts, 1):
        if refunded == total:
            break
        last = number == len(cuts)
        amount = total - refunded if last else max(1, (total - refunded) * cut // 10**6 // 2)
        now = reversal_cents(booked, reversed_, amount)
        assert sum(now) == -amount and all(value <= 0 for value in now)
        reversed_ = [a + b for a, b in zip(reversed_, now)]
        refunded += amount
        assert all(-b <= r <= 0 for b, r in zip(booked, reversed_))
        for b, r in zip(booked, reversed_):  # within one cent per refund of the exact pro-rata share
            assert abs(Fraction(-r) - Fraction(b * refunded, total)) < number
    assert reversed_ == [-b for b in booked]


network = st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=14)
# a stream of steps: ("buy", member pick, package), ("refund", order pick, share in thousandths)
# or ("close", 0, 0): the month is closed (pools, levels) and the clock moves to the next month
steps = st.lists(st.one_of(
    st.tuples(st.just("buy"), st.integers(0, 1000), st.sampled_from([0, 0, 0, 1, 2])),
    st.tuples(st.just("refund"), st.integers(0, 1000), st.integers(1, 1000)),
    st.tuples(st.just("close"), st.just(0), st.just(0)),
), min_size=4, max_size=24)
MONTHS = [f"2026-{month:02d}" for month in range(1, 13)] + [f"2027-{month:02d}" for month in range(1, 13)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=network, stream=steps)
def test_random_orders_and_refunds_conserve_money_and_counters(falkor, picks, stream):
    rn = Refnet.start(falkor.with_graph(f"refunds_{next(_graphs)}"), PLAN)
    month = [0]
    rn.clock = lambda: ms(f"{MONTHS[month[0]]}-15T12:00:00") + len(amounts)
    ids = ["root"]
    amounts: dict[str, int] = {}
    members.register(rn, "root", member_id="root")
    for number, pick in enumerate(picks):
        sponsor = ids[pick % max(1, min(len(ids), 3))]  # a few sponsors: bosses appear
        members.register(rn, f"m{number}", sponsor_id=sponsor, member_id=f"m{number}")
        ids.append(f"m{number}")
    for member_id in ids[:4]:  # the first members buy, so rewards are paid (and quotas burn)
        orders.record_order(rn, f"first-{member_id}", member_id, from_cents(PRICES[0]))
        amounts[f"first-{member_id}"] = PRICES[0]
    refunded: dict[str, int] = defaultdict(int)
    for number, (kind, pick, value) in enumerate(stream):
        if kind == "close":
            linkage_close.close_period(rn, MONTHS[month[0]])
            month[0] += 1
        elif kind == "buy":
            order_id = f"o{number}"
            orders.record_order(rn, order_id, ids[pick % len(ids)], from_cents(PRICES[value]))
            amounts[order_id] = PRICES[value]
        else:
            order_id = sorted(amounts)[pick % len(amounts)]
            left = amounts[order_id] - refunded[order_id]
            if left == 0:
                continue
            cents = left if value > 900 else max(1, left * value // 1000)
            record = refunds.refund_order(rn, order_id, from_cents(cents), "property", f"r{number}")
            if record.period != orders.get_order(rn, order_id).period:
                event("refund after the order's month was closed")
            refunded[order_id] += cents

    entries = rn.store.run_text(
        "MATCH (e:Entry) RETURN e.id AS id, e.order_id AS order_id, e.rule AS rule, e.status AS status, "
        "e.amount AS amount, e.beneficiary_id AS who, e.pool AS pool, e.reverses AS reverses")
    paid_out = {"dividend": "dividend", "shareholder": "shareholder", "level": "level", "level_peer": "level",
                "points_sale": "points"}  # rules that pay a pool out
    by_order: dict[str, int] = defaultdict(int)
    booked = {row["id"]: row["amount"] for row in entries if row["reverses"] is None}
    net = dict(booked)
    counters: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pools: dict[str, int] = defaultdict(int)
    for row in entries:
        by_order[row["order_id"]] += row["amount"]
        if row["reverses"] is not None:
            assert row["amount"] < 0
            net[row["reverses"]] += row["amount"]
        key = {"PAID": "paid", "FROZEN": "frozen", "BURNED": "burned"}.get(row["status"])
        if key and row["who"]:
            counters[row["who"]][key] += row["amount"]
            if row["status"] == "PAID" and row["rule"] in LINKAGE:
                counters[row["who"]]["quota_used"] += row["amount"]
        if row["status"] == "POOLED":
            pools[row["pool"]] += row["amount"]
        if row["rule"] in paid_out:
            pools[paid_out[row["rule"]]] -= row["amount"]
    allocation: dict[str, int] = defaultdict(int)  # the orders' own entries and their reversals
    for row in entries:
        if row["id"].startswith("order:") or (row["reverses"] or "").startswith("order:"):
            allocation[row["order_id"]] += row["amount"]
    for order_id, amount in amounts.items():
        assert allocation[order_id] == amount - refunded[order_id], order_id
        assert by_order[order_id] == amount - refunded[order_id], order_id
        if refunded[order_id] == amount:
            assert all(net[i] == 0 for i in booked if i.startswith(f"order:{order_id}#"))
    assert all(0 <= net[i] <= booked[i] for i in booked)
    stored = rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, m.paid AS paid, m.frozen AS frozen, "
                               "m.burned AS burned, m.quota_used AS quota_used")
    for row in stored:
        for key in ("paid", "frozen", "burned", "quota_used"):
            assert (row[key] or 0) == counters[row["id"]][key], (row["id"], key)
    for row in rn.store.run_text("MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance, "
                                 "p.carry_amounts AS carry"):
        assert row["balance"] == pools[row["name"]], row["name"]
        assert row["balance"] >= sum(row["carry"] or []) >= 0, row["name"]
    rn.store.run_text("MATCH (n) DETACH DELETE n")
