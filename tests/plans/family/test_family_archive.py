"""The family plan's closed weeks move to the archive like months (issue 19): the commission
entries leave the graph, every read answers as before, and a week a late family books after
its move still shows every entry."""

from __future__ import annotations

import pytest

from graph.core.plan import Plan, load_plan
from graph.ledger import history
from tests.support.family import NOW, RECORD, WEEK, a_family_and_a_late_one, family, gift

CLOSE = "mutation($p: String!) { closePeriod(period: $p) { period entries total } }"
LEDGER = '{ ledger(memberId: "%s") { id amount status period beneficiaryId explanation } }'


@pytest.fixture
def plan() -> Plan:
    return load_plan("family")


@pytest.fixture
def rn(store, plan, tmp_path):
    from graph.service import Refnet

    engine = Refnet.start(store, plan, archive=tmp_path / "archive")
    engine.clock = lambda: NOW
    return engine


def hot(rn) -> int:
    return rn.store.run_text("MATCH (x:Entry {period: $p}) RETURN count(x) AS n", {"p": WEEK})[0]["n"]


def test_a_closed_week_moves_and_reads_the_same(gql, rn):
    family(gql, rn, ["a", "b"])
    gql.ok(RECORD, f="F", events=[gift("a", 12000), gift("b", 15000)])
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"]["entries"] == 2
    assert hot(rn) == 0  # moved by the close itself
    assert [row["period"] for row in history.recorded(rn)] == [WEEK]
    seen = gql.ok(LEDGER % "L")["ledger"]
    assert sorted((entry["amount"], entry["period"]) for entry in seen) == [("1400.00", WEEK), ("800.00", WEEK)]
    assert gql.ok('{ member(id: "L") { balance { available } } }')["member"]["balance"]["available"] == "2200.00"


def test_a_late_family_booked_into_a_moved_week_is_read_with_it(gql, rn):
    a_family_and_a_late_one(gql, rn)
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 1, "total": "200.00"}
    assert hot(rn) == 0
    gql.ok(RECORD, f="B", events=[gift("b", 10000)])  # B's history of that week, after its move
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 2, "total": "600.00"}
    assert hot(rn) == 1  # booked after the week's move: it stays in the graph, read beside the archived one
    assert [entry["amount"] for entry in gql.ok(LEDGER % "LA")["ledger"]] == ["200.00"]
    assert [entry["amount"] for entry in gql.ok(LEDGER % "LB")["ledger"]] == ["400.00"]
    assert gql.ok('{ member(id: "LB") { balance { available } } }')["member"]["balance"]["available"] == "400.00"
