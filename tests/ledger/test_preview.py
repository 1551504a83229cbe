"""previewPeriod (issue 8): the entries closePeriod would book, with totals, booking nothing;
closePeriod right after books exactly those entries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.plan import load_plan
from graph.ledger import orders, period_close, refunds
from graph.ledger.preview import preview_period
from graph.network import members
from tests.support.refunds import ms

PREVIEW = """query($p: String!) { previewPeriod(period: $p) {
  period total entries { id rule status amount beneficiaryId explanation }
  byRule { rule status amount entries } byMember { memberId amount entries } } }"""
CLOSE = "mutation($p: String!) { closePeriod(period: $p) { period entries total } }"
KEY = ("id", "rule", "status", "amount", "beneficiary_id", "explanation", "period", "plan_version")


def snapshot(rn) -> tuple:
    """Everything a preview must leave alone: the version, the entries and the counters."""
    version = rn.store.run("meta_version")[0]["version"]
    entries = rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"]
    counters = rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, m.paid AS paid ORDER BY id")
    return version, entries, counters


def booked_in(rn, prefix: str) -> list[tuple]:
    rows = rn.store.run_text(
        "MATCH (e:Entry) WHERE e.id STARTS WITH $p RETURN e.id AS id, e.rule AS rule, e.status AS status, "
        "e.amount AS amount, e.beneficiary_id AS beneficiary_id, e.explanation AS explanation, "
        "e.period AS period, e.plan_version AS plan_version", {"p": prefix})
    return sorted(tuple(row[k] for k in KEY) for row in rows)


def test_a_linkage_month_preview_equals_its_close(rn, gql):
    members.register(rn, "R", member_id="R")
    for name, sponsor in (("A", "R"), ("B", "A"), ("C", "A"), ("E", "B")):
        members.register(rn, name, sponsor_id=sponsor, member_id=name)
    for number, (buyer, price) in enumerate((("A", "1000.00"), ("B", "10000.00"), ("C", "5000.00"),
                                             ("E", "10000.00"), ("B", "1000.00"))):
        orders.record_order(rn, f"o{number}", buyer, Decimal(price), at=ms(f"2026-10-{number + 10}T12:00:00"))
    rn.clock = lambda: ms("2026-10-28T12:00:00")
    refunds.refund_order(rn, "o2", Decimal("1234.56"), "part returned", "r1")  # before the close: netted
    rn.clock = lambda: ms("2026-11-01T00:10:00")

    before = snapshot(rn)
    preview = preview_period(rn, "2026-10")
    assert snapshot(rn) == before  # nothing booked, nothing moved
    assert preview.entries and preview.total == sum(e.amount for e in preview.entries)
    assert {e.rule for e in preview.entries} >= {"dividend", "shareholder", "level"}
    assert sum(t.amount for t in preview.by_rule) == preview.total
    assert sum(t.amount for t in preview.by_member) == sum(e.amount for e in preview.entries if e.status == "PAID")
    previewed = gql.ok(PREVIEW, p="2026-10")["previewPeriod"]
    assert [e["id"] for e in previewed["entries"]] == [e.id for e in preview.entries]
    assert Decimal(previewed["total"]) == preview.total

    run = gql.ok(CLOSE, p="2026-10")["closePeriod"]
    assert run["entries"] == len(preview.entries) and Decimal(run["total"]) == preview.total
    expected = sorted(tuple(getattr(e, k) if k != "amount" else int(e.amount * 100) for k in KEY)
                      for e in preview.entries)
    assert booked_in(rn, "period:2026-10") == expected
    assert preview_period(rn, "2026-10").entries == []  # closed: nothing left to book


def test_a_changed_graph_changes_the_preview_and_the_close_books_the_new_one(rn):
    members.register(rn, "R", member_id="R")
    members.register(rn, "A", sponsor_id="R", member_id="A")
    orders.record_order(rn, "o1", "A", Decimal("10000.00"), at=ms("2026-10-10T12:00:00"))
    rn.clock = lambda: ms("2026-11-01T00:10:00")
    first = preview_period(rn, "2026-10")
    orders.record_order(rn, "o2", "A", Decimal("10000.00"), at=ms("2026-10-11T12:00:00"))
    second = preview_period(rn, "2026-10")
    assert second.total > first.total
    period_close.close_period(rn, "2026-10")
    assert len(booked_in(rn, "period:2026-10")) == len(second.entries)


class TestFamilyWeek:
    @pytest.fixture
    def plan(self):
        return load_plan("family")

    def test_a_family_week_preview_equals_its_close(self, gql, rn):
        from tests.support.family import NOW, RECORD, WEEK, family, gift

        rn.clock = lambda: NOW
        family(gql, rn, ["a", "b", "c"])
        gql.ok(RECORD, f="F", events=[gift("a", 12000), gift("b", 15000), gift("c", 3000)])
        before = snapshot(rn)
        preview = gql.ok(PREVIEW, p=WEEK)["previewPeriod"]
        assert snapshot(rn) == before
        assert preview["total"] == "2200.00"
        assert preview["byMember"] == [{"memberId": "L", "amount": "2200.00", "entries": 2}]
        assert preview["byRule"] == [{"rule": "family_commission", "status": "PAID", "amount": "2200.00", "entries": 2}]
        assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 2, "total": "2200.00"}
        booked = booked_in(rn, "family:")
        assert [(row[0], row[3], row[5]) for row in booked] == [
            (e["id"], int(Decimal(e["amount"]) * 100), e["explanation"]) for e in preview["entries"]]
        assert gql.ok(PREVIEW, p=WEEK)["previewPeriod"]["entries"] == []


@pytest.mark.integration
def test_preview_period_command(tmp_path, capsys) -> None:
    from cli.main import main

    assert main(["preview-period", "2026-11", "--data", str(tmp_path)]) == 0
    assert "2026-11: 0 entries, 0.00" in capsys.readouterr().out
    assert main(["preview-period", "2026-13", "--data", str(tmp_path)]) == 2
