"""Reports that agree (issue 14): a preview and the close after it carry the same named totals
on every plan; payoutReport's revenue is what was sold in the range net of refunds on every
plan; periodRuns lists every plan's runs; money read back from the graph is exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.plan import load_plan
from graph.ledger import orders, refunds
from graph.network import members
from graph.service import Refnet
from tests.support import family as fam
from tests.support.refunds import ms

D = Decimal
TOTALS = "total booked paid retained byRule { rule status amount entries }"
PREVIEW = "query($p: String!) { previewPeriod(period: $p) { period " + TOTALS + " entries { id } } }"
CLOSE = "mutation($p: String!) { closePeriod(period: $p) { period entries " + TOTALS + " } }"
RUNS = "{ periodRuns { period state " + TOTALS + " } }"
REPORT = 'query($from: DateTime!, $to: DateTime!) { payoutReport(from: $from, to: $to) { revenue total { revenue } } }'
PLANS = ["linkage-3plus1", "differential", "family"]


@pytest.fixture(params=PLANS)
def plan(request):
    return load_plan(request.param)


@pytest.fixture
def rn(store, plan):
    return Refnet.start(store, plan)


def sell(rn: Refnet) -> tuple[str, Decimal]:
    """Orders and a refund in October 2026 (on the family plan: a family's week of gifts); the
    period to close and the money sold in October net of refunds."""
    rn.clock = lambda: ms("2026-10-01T00:00:00")
    partner = {} if rn.plan.has("linkage") else {"kind": "PARTNER"}
    members.register(rn, "R", member_id="R", **partner)
    members.register(rn, "A", sponsor_id="R", member_id="A", **partner)
    members.register(rn, "B", sponsor_id="A", member_id="B")
    rn.clock = lambda: ms("2026-10-20T00:00:00")
    sold = [("o1", "A", "5000.00", "2026-10-02"), ("o2", "B", "1000.00", "2026-10-05"),
            ("o3", "B", "1000.00", "2026-10-19")]
    for order_id, buyer, amount, day in sold:
        orders.record_order(rn, order_id, buyer, D(amount), at=ms(f"{day}T08:00:00"))
    refunds.refund_order(rn, "o3", D("250.00"), "part returned", "r1")
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    return "2026-10", D("7000.00") - D("250.00")


def gifts(gql, rn: Refnet) -> str:
    fam.family(gql, rn, ["a", "b"])
    gql.ok(fam.RECORD, f="F", events=[fam.gift("a", 12000), fam.gift("b", 9000)])
    return fam.WEEK


def test_a_preview_and_its_close_carry_the_same_totals_on_every_plan(gql, rn, plan):
    period = gifts(gql, rn) if plan.has("family") else sell(rn)[0]
    preview = gql.ok(PREVIEW, p=period)["previewPeriod"]
    closed = gql.ok(CLOSE, p=period)["closePeriod"]
    assert preview["byRule"] and D(preview["booked"]) > 0
    for name in ("period", "total", "booked", "paid", "retained", "byRule"):
        assert preview[name] == closed[name], name
    assert len(preview["entries"]) == closed["entries"]
    assert D(closed["booked"]) == sum(D(line["amount"]) for line in closed["byRule"])
    assert D(closed["paid"]) == sum(D(line["amount"]) for line in closed["byRule"] if line["status"] == "PAID")
    runs = gql.ok(RUNS)["periodRuns"]  # every plan's runs are listed, with the same totals
    assert [run["period"] for run in runs] == [period] and runs[0]["state"] == "DONE"
    assert {name: runs[0][name] for name in ("total", "booked", "paid", "retained", "byRule")} == \
        {name: closed[name] for name in ("total", "booked", "paid", "retained", "byRule")}


def test_the_payout_reports_revenue_is_what_was_sold_net_of_refunds_on_every_plan(gql, rn, plan):
    if plan.has("family"):
        gifts(gql, rn)
        sold = D("0.00")  # the family plan sells nothing: its commission is paid from diamonds
    else:
        period, sold = sell(rn)
        gql.ok(CLOSE, p=period)
    report = gql.ok(REPORT, **{"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"})["payoutReport"]
    assert D(report["revenue"]) == sold and D(report["total"]["revenue"]) == sold
    november = gql.ok(REPORT, **{"from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"})["payoutReport"]
    assert D(november["revenue"]) == 0


@pytest.mark.parametrize("plan", ["linkage-3plus1"], indirect=True)
def test_a_closes_money_reads_back_exact(gql, rn):
    period, _ = sell(rn)
    closed = gql.ok(CLOSE, p=period)["closePeriod"]
    pools = rn.store.run_text("MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance")
    assert pools and all(isinstance(row["balance"], int) for row in pools), pools
    for name in ("total", "booked", "paid", "retained"):
        assert D(closed[name]) == D(closed[name]).quantize(D("0.01")) and "." in closed[name]
        assert len(closed[name].split(".")[1]) == 2, closed[name]
    state = rn.store.run("pool_state", {"name": "level"})[0]
    assert isinstance(state["balance"], int)


@pytest.mark.parametrize("plan", ["linkage-3plus1"], indirect=True)
def test_money_sums_of_the_named_explore_queries_are_integers(rn):
    from graph.analytics.explore import run_example

    period, _ = sell(rn)
    from graph.ledger import period_close

    period_close.close_period(rn, period)
    rows = run_example(rn, "earnings_by_rule")
    assert rows and all(type(row["cents"]) is int for row in rows), rows
