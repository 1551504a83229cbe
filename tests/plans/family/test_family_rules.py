"""Plan `family` rules without the database: the commission (rules §10 worked example), the plan
validator, and every team-health item at its exact boundaries."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.core.errors import BadInput
from graph.core.plan import PlanError, load_plan
from graph.plans.family import commission, health, periods
from graph.plans.family.activity import ActivityEvent
from graph.plans.family.families import FamilyMemberRecord
from graph.plans.family.plan import FamilyPlan, load_shipped
from tests.support.paths import REPO

PLAN_FILE = REPO / "plans" / "family.toml"
H = health.HOUR_MS
D = health.DAY_MS
W = health.WEEK_MS
AS_OF = periods.bounds("2026-W10")[0] + 3 * D + 12 * H  # Thursday 2026-03-05 12:00 UTC


@pytest.fixture
def plan() -> FamilyPlan:
    data = tomllib.loads(PLAN_FILE.read_text(encoding="utf-8"))
    return FamilyPlan.from_toml_section(data["family"])


def event(member: str, kind: str, at: int, diamonds: int = 0, category: str | None = None,
          amount: str | None = None) -> ActivityEvent:
    return ActivityEvent("F", member, kind, at, diamonds, category, Decimal(amount) if amount else None)


def roster(*ids: str, role: str = "MEMBER", since: int = 0) -> list[FamilyMemberRecord]:
    return [FamilyMemberRecord(member_id, role, since) for member_id in ids]


# --- the plan ---------------------------------------------------------------------------

def test_shipped_plan_has_the_section_10_figures(plan):
    assert plan == load_shipped() == load_plan("family").section("family")
    assert load_plan("family").has("family")
    assert (plan.rate, plan.threshold, plan.period) == (Decimal("0.20"), 8000, "week")
    assert plan.qualifying == {"LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING"}
    assert plan.roles["VICE"].pk_every_day and plan.roles["HOST"].min_diamonds_month == 20000


@pytest.mark.parametrize("section, key", [
    ({"rate": "1.5"}, "family.rate"),
    ({"rate": 0.2}, "family.rate"),  # floats are refused: rates are strings
    ({"rate": "abc"}, "family.rate"),
    ({"threshold": -1}, "family.threshold"),
    ({"threshold": "8000"}, "family.threshold"),
    ({"period": "day"}, "family.period"),
    ({"diamond_value": "0"}, "family.diamond_value"),
    ({"qualifying": ["LIVE_GIFT", "DANCING"]}, "family.qualifying"),
    ({"expense_categories": ["incentives"]}, "family.expense_categories"),
    ({"alerts": {"top_share": "1.2"}}, "family.alerts.top_share"),
    ({"alerts": {"warning_days": 1}}, "family.alerts.warning_days"),
    ({"alerts": {"nonsense": 1}}, "family.alerts.nonsense"),
    ({"roles": {"vice": {"pk_every_day": "yes"}}}, "family.roles.vice.pk_every_day"),
    ({"roles": {"captain": {}}}, "family.roles.captain"),
    ({"bonus": 1}, "family.bonus"),
])
def test_plan_validator_names_the_bad_key(section, key):
    with pytest.raises(PlanError) as caught:
        FamilyPlan.from_toml_section(section)
    assert caught.value.message.startswith(key + ":")


# --- commission (rules §10 worked example) --------------------------------------------------

def test_twelve_thousand_diamonds_earn_eight_hundred(plan):
    assert commission.commission_diamonds(12000, plan) == 800
    assert commission.commission_amount(12000, plan) == Decimal("800.00")
    assert commission.explanation("m1", 12000, plan) == "20% of (12000 - 8000) = 800 diamonds from member m1"


def test_ten_members_at_15000_earn_14000_and_thirty_at_6000_earn_nothing(plan):
    ten = {f"m{i}": 15000 for i in range(10)}
    assert commission.family_total(ten, plan) == Decimal("14000.00")
    booked = commission.bookings("leader", ten, plan)
    assert len(booked) == 10 and {b.amount for b in booked} == {Decimal("1400.00")}
    assert {(b.rule, b.status, b.beneficiary_id) for b in booked} == {("family_commission", "PAID", "leader")}
    thirty = {f"m{i}": 6000 for i in range(30)}
    assert commission.family_total(thirty, plan) == 0
    assert commission.bookings("leader", thirty, plan) == []


def test_threshold_is_exclusive_and_fractions_round_down_to_the_cent(plan):
    assert commission.commission_amount(8000, plan) == 0
    assert commission.commission_amount(8001, plan) == Decimal("0.20")
    cheap = replace(plan, diamond_value=Decimal("0.01"))
    assert commission.commission_amount(12003, cheap) == Decimal("8.00")  # 800.6 diamonds × 0.01
    assert commission.explanation("m", 12003, cheap) == \
        "20% of (12003 - 8000) = 800.6 diamonds × 0.01 = 8.00 from member m"
    assert commission.bookings("l", {"m": 8004}, cheap) == []  # 0.8 diamonds = 0.008: less than a cent


def test_periods():
    assert periods.bounds("2026-W48") == (periods.bounds("2026-11")[0] + 22 * D, periods.bounds("2026-11")[0] + 29 * D)
    assert periods.period_of(periods.bounds("2027-W01")[0], "week") == "2027-W01"
    assert periods.previous("2026-W01") == "2025-W52"
    assert periods.previous("2026-01") == "2025-12"
    assert periods.last_periods(AS_OF, "week", 3, include_current=False) == ["2026-W07", "2026-W08", "2026-W09"]
    for bad in ("2026-W54", "2026-13", "2026W48", "week"):
        with pytest.raises(BadInput):
            periods.bounds(bad)


# --- activity gap -----------------------------------------------------------------------

@pytest.mark.parametrize("gap, level", [
    (47 * H + 59 * 60_000, "OK"),
    (48 * H, "AT_RISK"),
    (3 * D - 1, "AT_RISK"),
    (3 * D, "WARNING"),
    (5 * D - 1, "WARNING"),
    (5 * D, "REMOVAL_CANDIDATE"),
])
def test_gap_flags_at_their_exact_boundaries(plan, gap, level):
    assert health.gap_level(gap, plan.alerts) == level
    report = health.team_health(plan, "F", roster("a"), [event("a", "SONG_UPLOAD", AS_OF - gap)], AS_OF)
    member = report.members[0]
    assert (member.gap_ms, member.gap_level) == (gap, level)
    assert [f.code for f in member.flags if f.code in health.GAP_LEVELS] == ([] if level == "OK" else [level])


def test_gap_counts_from_joining_without_activity_and_ignores_non_activity(plan):
    events = [event("a", "PROFILE", AS_OF - H), event("a", "COIN_PURCHASE", AS_OF - H)]
    member = health.team_health(plan, "F", roster("a", since=AS_OF - 4 * D), events, AS_OF).members[0]
    assert member.last_activity_at is None and member.gap_ms == 4 * D and member.gap_level == "WARNING"
    assert "96.00 h since joining" in member.flags[0].message
    # with activity, the gap counts from it, even when the member was added after it (onboarding)
    onboarded = health.team_health(plan, "F", roster("a", since=AS_OF), [event("a", "PK_JOIN", AS_OF - 6 * D)], AS_OF)
    assert onboarded.members[0].gap_level == "REMOVAL_CANDIDATE"
    # the last activity may come from before the events' window
    older = health.team_health(plan, "F", roster("a"), [], AS_OF, last_activity={"a": AS_OF - 47 * H})
    assert older.members[0].gap_level == "OK" and older.members[0].last_activity_at == AS_OF - 47 * H


# --- top contributors ---------------------------------------------------------------------

def test_pareto_cut_is_the_smallest_group_reaching_80_percent(plan):
    assert health.top_contributors({"a": 50, "b": 30, "c": 15, "d": 5}, Decimal("0.80")) == ["a", "b"]
    assert health.top_contributors({"a": 50, "b": 29, "c": 16, "d": 5}, Decimal("0.80")) == ["a", "b", "c"]
    assert health.top_contributors({"a": 0, "b": 0}, Decimal("0.80")) == []
    events = [event(m, "LIVE_GIFT", AS_OF - D, d) for m, d in {"a": 5000, "b": 3000, "c": 1500, "d": 500}.items()]
    events.append(event("a", "LIVE_GIFT", AS_OF - 30 * D, 99999))  # 30 days ago: outside the window
    report = health.team_health(plan, "F", roster("a", "b", "c", "d"), events, AS_OF)
    assert report.top.member_ids == ("a", "b") and report.top.total_diamonds == 10000
    assert report.top.group_share == Decimal("0.8000")
    assert [m.top_contributor for m in report.members] == [True, True, False, False]


# --- consistency --------------------------------------------------------------------------

@pytest.mark.parametrize("weeks, kind", [
    ([7, 13], "MODERATE"),     # CV exactly 0.3: not reliable
    ([8, 12], "RELIABLE"),     # 0.2
    ([3, 17], "MODERATE"),     # CV exactly 0.7: not sporadic
    ([2, 18], "SPORADIC"),     # 0.8
    ([10], None),              # one week: no CV
    ([0, 0], None),            # no diamonds: no CV
])
def test_cv_classes_at_0_3_and_0_7(plan, weeks, kind):
    assert health.consistency(weeks, plan.alerts) == kind


def test_weekly_diamonds_and_cv_in_the_report(plan):
    alerts = replace(plan.alerts, consistency_weeks=3)
    small = replace(plan, alerts=alerts)
    events = [event("a", "LIVE_GIFT", AS_OF - 2 * W, 7000), event("a", "PK_GIFT", AS_OF - W, 13000),
              event("a", "BATTLE", AS_OF, 10000), event("a", "PRACTICE", AS_OF, 50000)]
    member = health.team_health(small, "F", roster("a"), events, AS_OF).members[0]
    # (as_of-3w, as_of-2w], (as_of-2w, as_of-w], (as_of-w, as_of]: the boundaries fall into the later week
    assert member.weekly_diamonds == (7000, 13000, 10000)
    assert member.cv == Decimal("0.2449") and member.consistency == "RELIABLE"
    # a history imported for a member added today counts from its first activity
    onboarded = health.team_health(small, "F", roster("a", since=AS_OF), events, AS_OF).members[0]
    assert onboarded.weekly_diamonds == (7000, 13000, 10000)
    # a member who joined 8 days ago: the weeks before it joined are left out (no false "sporadic")
    joined = health.team_health(small, "F", roster("a", since=AS_OF - W - D), events[1:], AS_OF).members[0]
    assert joined.weekly_diamonds == (13000, 10000)


# --- may leave ----------------------------------------------------------------------------

def weekly_events(member: str, weeks: list[int]) -> list[ActivityEvent]:
    """One gift per rolling week, oldest first, ending with the week of AS_OF."""
    return [event(member, "LIVE_GIFT", AS_OF - (len(weeks) - 1 - i) * W - H, d) for i, d in enumerate(weeks)]


def test_may_leave_flag_for_a_top_contributor_30_percent_below_usual(plan):
    usual = [10000] * 6
    leaving = weekly_events("a", usual + [7000, 7000])     # exactly 30 % lower
    staying = weekly_events("b", usual + [7001, 7000])     # 29.995 % lower
    small = weekly_events("c", [100] * 6 + [10, 10])        # 90 % lower, but not a top contributor
    report = health.team_health(plan, "F", roster("a", "b", "c"), leaving + staying + small, AS_OF)
    a, b, c = report.members
    assert (a.top_contributor, a.may_leave, a.drop) == (True, True, Decimal("0.3000"))
    assert (a.recent_weekly, a.usual_weekly) == (Decimal("7000.00"), Decimal("10000.00"))
    assert b.top_contributor and not b.may_leave
    assert not c.top_contributor and not c.may_leave and c.drop == Decimal("0.9000")
    assert [f.member_id for f in report.flags if f.code == "MAY_LEAVE"] == ["a"]


# --- role check ---------------------------------------------------------------------------

def songs(member: str, count: int, at: int = AS_OF - H) -> list[ActivityEvent]:
    return [event(member, "SONG_UPLOAD", at) for _ in range(count)]


def pk_days(member: str, days: int) -> list[ActivityEvent]:
    return [event(member, "PK_JOIN", AS_OF - i * D - H) for i in range(days)]


def check(plan, role, events):
    member = health.team_health(plan, "F", roster("x", role=role), events, AS_OF).members[0]
    return member


def test_member_role_needs_8000_a_month_and_10_songs_a_week(plan):
    met = check(plan, "MEMBER", [event("x", "LIVE_GIFT", AS_OF - 29 * D, 8000)] + songs("x", 10))
    assert met.meets_role and met.role_shortfalls == ()
    short = check(plan, "MEMBER", [event("x", "LIVE_GIFT", AS_OF - 30 * D, 8000)] + songs("x", 9)
                  + songs("x", 5, AS_OF - 7 * D))
    assert not short.meets_role
    assert short.role_shortfalls == ("diamonds in 30 days 0 < 8000", "song uploads in 7 days 9 < 10")


def test_vice_role_needs_15000_and_a_pk_every_day(plan):
    met = check(plan, "VICE", [event("x", "PK_GIFT", AS_OF - D, 15000)] + pk_days("x", 7))
    assert met.meets_role and met.figures.pk_days == 7
    short = check(plan, "VICE", [event("x", "PK_GIFT", AS_OF - D, 14999)] + pk_days("x", 6))
    assert short.role_shortfalls == ("diamonds in 30 days 14999 < 15000", "a PK on 6 of the last 7 days, not every day")


def test_host_role_needs_20000(plan):
    assert check(plan, "HOST", [event("x", "RANKING", AS_OF, 20000)]).meets_role
    assert check(plan, "HOST", [event("x", "RANKING", AS_OF, 19999)]).role_shortfalls == \
        ("diamonds in 30 days 19999 < 20000",)


def test_promotion_needs_the_next_role_and_more_than_10_song_uploads(plan):
    vice_ready = [event("x", "LIVE_GIFT", AS_OF - D, 15000)] + pk_days("x", 7)
    assert check(plan, "MEMBER", vice_ready + songs("x", 11)).may_promote_to == "VICE"
    assert check(plan, "MEMBER", vice_ready + songs("x", 10)).may_promote_to is None   # not more than 10
    assert check(plan, "MEMBER", vice_ready[:-1] + songs("x", 11)).may_promote_to is None  # a day without PK
    host_ready = [event("x", "LIVE_GIFT", AS_OF - D, 20000)] + songs("x", 11)
    assert check(plan, "VICE", host_ready).may_promote_to == "HOST"
    assert check(plan, "HOST", host_ready).may_promote_to is None  # the top role


# --- expenses and net margin --------------------------------------------------------------

LAST_WEEK = periods.bounds("2026-W09")[0] + D  # inside the last complete week before AS_OF


def spend(**amounts: str) -> list[ActivityEvent]:
    return [event("leader", "EXPENSE", LAST_WEEK, category=c, amount=a) for c, a in amounts.items()]


def diamonds(total: int) -> list[ActivityEvent]:
    return [event("a", "LIVE_GIFT", LAST_WEEK, total)]


def test_props_above_25_percent_of_spend_raise_a_flag(plan):
    at_limit = health.budget(spend(props="25.00", incentives="75.00") + diamonds(13000), AS_OF, plan)
    assert "PROPS_HIGH" not in [f.code for f in at_limit.flags]
    above = health.budget(spend(props="25.01", incentives="74.99") + diamonds(13000), AS_OF, plan)
    assert [f.message for f in above.flags if f.code == "PROPS_HIGH"] == ["props 25.01 of 100.00 spent = 25.01% > 25%"]
    assert {c.category: c.share for c in above.by_category}["props"] == Decimal("0.2501")


def test_event_fees_above_40_percent_raise_a_flag(plan):
    at_limit = health.budget(spend(event_fees="40.00", incentives="60.00") + diamonds(13000), AS_OF, plan)
    assert "EVENT_FEES_HIGH" not in [f.code for f in at_limit.flags]
    above = health.budget(spend(event_fees="40.01", incentives="59.99") + diamonds(13000), AS_OF, plan)
    assert "EVENT_FEES_HIGH" in [f.code for f in above.flags]


@pytest.mark.parametrize("expenses, kind, margin", [
    ("700.01", "ALARM", "0.2999"),
    ("700.00", "LOW", "0.3000"),
    ("600.01", "LOW", "0.3999"),
    ("600.00", "HEALTHY", "0.4000"),
    ("400.00", "HEALTHY", "0.6000"),
    ("399.99", "HIGH", "0.6000"),
])
def test_net_margin_classes(plan, expenses, kind, margin):
    # 13000 diamonds in the week → 1000 commission
    report = health.budget(spend(incentives=expenses) + diamonds(13000), AS_OF, plan)
    assert report.commission == Decimal("1000.00") and report.spend == Decimal(expenses)
    assert (report.margin_class, report.net_margin) == (kind, Decimal(margin))
    assert ("MARGIN_ALARM" in [f.code for f in report.flags]) == (kind == "ALARM")


def test_budget_window_is_the_last_complete_periods(plan):
    current_week = [event("leader", "EXPENSE", AS_OF - H, category="props", amount="500.00")]
    report = health.budget(current_week + diamonds(13000), AS_OF, plan)
    assert report.periods == ("2026-W06", "2026-W07", "2026-W08", "2026-W09")
    assert report.spend == 0 and report.margin_class == "HIGH" and report.net_margin == Decimal("1.0000")
    nothing = health.budget(spend(props="10.00"), AS_OF, plan)
    assert (nothing.commission, nothing.net_margin, nothing.margin_class) == (0, None, "ALARM")
    assert health.budget([], AS_OF, plan).margin_class is None


# --- properties against a plain model -----------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.integers(0, 40000), max_size=12),
       st.sampled_from(["1.00", "0.01", "0.005"]))
def test_commission_matches_a_plain_model(diamonds, value):
    plan = replace(FamilyPlan(), diamond_value=Decimal(value))
    booked = commission.bookings("leader", diamonds, plan)
    # model: integer arithmetic in hundredths of a diamond-cent, floored
    expected = {}
    for member, d in diamonds.items():
        cents = (max(0, d - 8000) * 20 * int(Decimal(value) * 1000)) // (100 * 10)
        if cents:
            expected[member] = Decimal(cents) / 100
    assert [b.explanation.rsplit(" ", 1)[1] for b in booked] == sorted(expected)
    assert {b.explanation.rsplit(" ", 1)[1]: b.amount for b in booked} == expected


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=2), st.integers(0, 1000), min_size=1, max_size=10))
def test_pareto_group_is_the_smallest_reaching_the_cut(diamonds):
    group = health.top_contributors(diamonds, Decimal("0.80"))
    total = sum(diamonds.values())
    if total == 0:
        assert group == []
        return
    assert sum(diamonds[m] for m in group) * 5 >= total * 4
    assert sum(diamonds[m] for m in group[:-1]) * 5 < total * 4  # one fewer does not reach it
    outside = [d for m, d in diamonds.items() if m not in group]
    assert all(diamonds[m] >= max(outside, default=0) for m in group)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 30000), min_size=2, max_size=8))
def test_consistency_matches_a_float_model_away_from_the_boundaries(weeks):
    import statistics

    plan = FamilyPlan()
    if sum(weeks) == 0:
        assert health.consistency(weeks, plan.alerts) is None
        return
    cv = statistics.pstdev(weeks) / statistics.fmean(weeks)
    if min(abs(cv - 0.3), abs(cv - 0.7)) < 1e-9:
        return
    expected = "RELIABLE" if cv < 0.3 else "SPORADIC" if cv > 0.7 else "MODERATE"
    assert health.consistency(weeks, plan.alerts) == expected
    assert abs(float(health.coefficient_of_variation(weeks)) - cv) < 1e-4


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10 * W), st.integers(0, 5000)), max_size=30))
def test_weekly_totals_match_a_plain_model(gifts):
    weeks = health.weekly_totals([event("a", "LIVE_GIFT", AS_OF - age, d) for age, d in gifts], AS_OF, 8,
                                 frozenset({"LIVE_GIFT"}))
    model = [sum(d for age, d in gifts if i * W <= age < (i + 1) * W) for i in range(8)]
    assert weeks == list(reversed(model))
