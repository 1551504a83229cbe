"""Plan versions on every entry and run (issue 8, item 4) and the payout report (item 5)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

from graph.core.plan import parse_plan
from graph.ledger import orders, refunds
from graph.ledger.payout import aggregate
from graph.network import members, rotation
from graph.plans.linkage import close as linkage_close
from graph.service import Refnet
from tests.support.refunds import ms

PLANS = "{ plans { version hash name firstUsedAt } }"
REPORT = """query($from: DateTime!, $to: DateTime!) { payoutReport(from: $from, to: $to) {
  revenue total { rule revenue paid frozen burned pooled retained cost ratio }
  rules { rule revenue paid burned pooled retained cost ratio } } }"""


def changed_plan():
    """The shipped plan with 1 % moved from product cost to platform profit: a new version."""
    text = resources.files("plans").joinpath("linkage-3plus1.toml").read_text()
    text = text.replace('cost = "0.20"', 'cost = "0.19"').replace('platform = "0.07"', 'platform = "0.08"')
    return parse_plan(text.encode(), "changed.toml")


def test_a_changed_plan_is_a_new_version_and_booked_entries_keep_theirs(rn, gql):
    first = rn.plan.version
    rn.clock = lambda: ms("2026-10-01T08:00:00")
    members.register(rn, "A", member_id="A")
    orders.record_order(rn, "o1", "A", Decimal("1000.00"), at=ms("2026-10-02T08:00:00"))
    old = orders.entries(rn, "o1")
    assert {e.plan_version for e in old} == {first}

    plan = changed_plan()
    assert plan.version != first
    later = Refnet.start(rn.store, plan)  # the engine restarted with the changed file
    later.clock = lambda: ms("2026-10-05T08:00:00")
    orders.record_order(later, "o2", "A", Decimal("1000.00"), at=ms("2026-10-06T08:00:00"))
    assert orders.entries(later, "o1") == old  # untouched
    new = orders.entries(later, "o2")
    assert {e.plan_version for e in new} == {plan.version}
    assert [e.amount for e in new if e.rule == "platform"] == [Decimal("80.00")]
    assert orders.get_order(later, "o2").plan_version == plan.version

    # a refund reverses at the booked amounts, tagged with the version that booked them
    refund = refunds.refund_order(later, "o1", Decimal("1000.00"), "returned", "r1")
    assert refund.plan_version == plan.version
    reversals = [e for e in orders.entries(later, "o1") if e.reverses]
    assert [e.amount for e in reversals if e.rule == "platform"] == [Decimal("-70.00")]
    assert {e.plan_version for e in reversals} == {first}

    # runs carry the version they ran under
    later.clock = lambda: ms("2026-11-01T00:10:00")
    assert linkage_close.close_period(later, "2026-10").plan_version == plan.version
    rotation.rotate(later, "2026-W44")
    assert rn.store.run_text("MATCH (r:PeriodRun) RETURN r.plan_version AS v") == [{"v": plan.version}]
    assert rn.store.run_text("MATCH (r:Rotation) RETURN r.plan_version AS v") == [{"v": plan.version}]
    assert gql.ok("{ rotations { week planVersion } }")["rotations"] == [{"week": "2026-W44", "planVersion": plan.version}]

    Refnet.start(rn.store, rn.plan)  # starting again with a known version changes nothing
    listed = gql.ok(PLANS)["plans"]
    assert [(p["version"], p["name"]) for p in listed] == [(first, "linkage-3plus1"), (plan.version, "linkage-3plus1")]
    assert listed[0]["hash"].startswith(first) and len(listed[0]["hash"]) == 64
    assert listed[0]["firstUsedAt"] < listed[1]["firstUsedAt"]


def test_the_payout_report_adds_up_per_rule_and_in_total(rn, gql):
    members.register(rn, "S", member_id="S")
    members.register(rn, "A", sponsor_id="S", member_id="A")
    members.register(rn, "B", sponsor_id="S", member_id="B")
    orders.record_order(rn, "o-S", "S", Decimal("1000.00"), at=ms("2026-10-01T08:00:00"))
    orders.record_order(rn, "o-A", "A", Decimal("1000.00"), at=ms("2026-10-02T08:00:00"))
    orders.record_order(rn, "o-B", "B", Decimal("1000.00"), at=ms("2026-10-03T08:00:00"))
    rn.clock = lambda: ms("2026-10-04T08:00:00")
    refunds.refund_order(rn, "o-B", Decimal("500.00"), "half returned", "r1")
    orders.record_order(rn, "o-late", "A", Decimal("1000.00"), at=ms("2026-12-01T08:00:00"))  # outside

    report = gql.ok(REPORT, **{"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"})["payoutReport"]
    assert report["revenue"] == "2500.00"
    rules = {line["rule"]: line for line in report["rules"]}
    # direct: 100 to S from A, 100 to S from B, minus 50 of the refund; S's own direct retained (no sponsor)
    assert rules["direct"] == {"rule": "direct", "revenue": "250.00", "paid": "150.00", "burned": "0.00",
                               "pooled": "0.00", "retained": "100.00", "cost": "0.00", "ratio": "0.0600"}
    assert rules["cost"]["cost"] == "500.00" and rules["cost"]["revenue"] == "500.00"
    total = report["total"]
    assert total["revenue"] == "2500.00"
    parts = sum(Decimal(total[k]) for k in ("paid", "frozen", "burned", "pooled", "retained", "cost"))
    assert parts == Decimal("2500.00")  # only order money in this range: it all lands somewhere
    assert Decimal(total["ratio"]) == (Decimal(total["paid"]) / Decimal("2500.00")).quantize(Decimal("0.0001"))
    assert sum(Decimal(line["paid"]) for line in report["rules"]) == Decimal(total["paid"])


def test_withdrawals_are_not_payouts_and_no_revenue_has_no_ratio():
    rows = [{"rule": "withdrawal", "status": "PAID", "revenue": False, "cents": 8000.0, "entries": 1},
            {"rule": "dividend", "status": "PAID", "revenue": False, "cents": 1234.0, "entries": 2}]
    report = aggregate(rows, 0, 1)
    assert [line.rule for line in report.rules] == ["dividend"]
    assert report.total.paid == Decimal("12.34") and report.total.ratio is None


def test_refunds_previews_and_reports_need_the_admin_token_and_the_plan_list_is_public(gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    for query, variables in (
        ('mutation { refundOrder(orderId: "o", amount: "1.00", reason: "x") { id } }', {}),
        ('{ refunds(orderId: "o") { id } }', {}),
        ('{ previewPeriod(period: "2026-10") { total } }', {}),
        ('{ payoutReport(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z") { revenue } }', {}),
    ):
        assert gql.error(query, **variables)["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.ok(PLANS)["plans"][0]["name"] == "linkage-3plus1"
    assert gql.ok('{ previewPeriod(period: "2026-10") { total } }', token="s3cret")["previewPeriod"]["total"] == "0.00"
    error = gql.error('{ payoutReport(from: "2026-11-01T00:00:00Z", to: "2026-10-01T00:00:00Z") { revenue } }',
                      token="s3cret")
    assert error["extensions"]["code"] == "BAD_INPUT"
