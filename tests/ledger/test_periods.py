"""One period lifecycle for every plan (issue 14, docs/periods.md): a period closes only once it
has ended, period strings are validated, and what comes late for a closed period is booked in
the first open one."""

from __future__ import annotations

import pytest

from graph.core import periods
from graph.core.errors import BadInput
from graph.core.plan import load_plan
from graph.service import Refnet
from tests.support.refunds import ms

PLANS = ["linkage-3plus1", "differential", "family"]
CLOSE = "mutation($p: String!) { closePeriod(period: $p) { period entries } }"
PREVIEW = "query($p: String!) { previewPeriod(period: $p) { period } }"
NOW = ms("2026-11-20T12:00:00")


@pytest.fixture(params=PLANS)
def plan(request):
    return load_plan(request.param)


@pytest.fixture
def rn(store, plan):
    engine = Refnet.start(store, plan)
    engine.clock = lambda: NOW
    return engine


def runs(rn) -> int:
    return rn.store.run_text("MATCH (r) WHERE r:PeriodRun OR r:FamilyPeriodRun RETURN count(r) AS n")[0]["n"]


def entries(rn) -> int:
    return rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"]


def last_period(plan) -> str:
    """The period right before the one holding NOW, of the kind the plan closes."""
    kind = periods.WEEK if plan.has("family") and plan.section("family").period == "week" else periods.MONTH
    current = periods.parse_period(periods.period_of(NOW, kind))
    return periods.period_of(current.start_ms - 1, kind)


def current_period(plan) -> str:
    kind = periods.WEEK if plan.has("family") and plan.section("family").period == "week" else periods.MONTH
    return periods.period_of(NOW, kind)


def test_closing_a_period_that_has_not_ended_or_is_out_of_range_is_refused(gql, rn, plan):
    current = current_period(plan)
    future = periods.next_period(periods.next_period(current))
    for period in (current, future, "2027-01", "9999-12", "0000-01", "1999-12", "2026-13"):
        for query in (CLOSE, PREVIEW):
            error = gql.error(query, p=period)
            assert error["extensions"]["code"] == "BAD_INPUT", (period, error)
            assert "period" in error["message"]
    assert runs(rn) == 0 and entries(rn) == 0


def test_the_refusal_names_the_periods_end(gql, plan):
    current = current_period(plan)
    error = gql.error(CLOSE, p=current)
    end = periods.parse_period(current).end_text
    assert end in error["message"] and "has not ended" in error["message"]


def test_last_period_closes(gql, rn, plan):
    period = last_period(plan)
    closed = gql.ok(CLOSE, p=period)["closePeriod"]
    assert closed["period"] == period
    assert gql.ok(CLOSE, p=period)["closePeriod"] == closed  # idempotent


def test_period_rules_without_the_database():
    assert periods.parse_period("2026-12").end_ms == ms("2027-01-01T00:00:00")
    assert periods.parse_period("2026-W48").start_ms == ms("2026-11-23T00:00:00")
    assert periods.next_period("2026-12") == "2027-01"
    assert periods.next_period("2026-W53") == "2027-W01"
    assert periods.first_open("2026-09", {"2026-09", "2026-10"}) == "2026-11"
    assert periods.first_open("2026-09", {"2026-10"}) == "2026-09"
    for bad in ("2026-W54", "2025-W53", "2101-01", "1999-W10", "26-11", "2026-1", None, 202611):
        with pytest.raises(BadInput):
            periods.parse_period(bad)
    with pytest.raises(BadInput, match="2026-12-01T00:00:00Z"):
        periods.check_closable("2026-11", ms("2026-11-30T23:59:59"))
    assert periods.check_closable("2026-11", ms("2026-12-01T00:00:00")).name == "2026-11"
