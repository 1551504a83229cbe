"""Plan `family` against the real graph: families, activity (GraphQL and CSV), the period close
with the seed's numbers, team health, and the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from graph.core.plan import Plan, load_plan, parse_plan
from graph.network.members import register
from graph.plans.family import periods
from graph.plans.family.plan import FamilyPlan
from tests.support.family import ADD, CREATE, NOW, RECORD, WEEK, WEEK_START, family, gift, iso


@pytest.fixture
def plan() -> Plan:
    return load_plan("family")


@pytest.fixture
def rn(store, plan):
    from graph.service import Refnet

    engine = Refnet.start(store, plan)
    engine.clock = lambda: NOW
    return engine


@pytest.fixture
def family_plan(plan: Plan) -> FamilyPlan:
    return plan.section("family")


CLOSE = "mutation($p: String!) { closePeriod(period: $p) { period entries total } }"
LEDGER = ("MATCH (x:Entry)-[:TO]->(m:Member) RETURN x.id AS id, x.amount AS amount, x.explanation AS explanation, "
          "x.rule AS rule, x.status AS status, x.period AS period, m.id AS to ORDER BY x.id")


def activity_count(rn) -> int:
    return rn.store.run_text("MATCH (a:Activity) RETURN count(a) AS n")[0]["n"]


# --- families -------------------------------------------------------------------------------

def test_create_add_promote_remove_with_a_logged_reason(gql, rn):
    family(gql, rn, ["a", "b"])
    promoted = gql.ok('mutation { setFamilyRole(familyId: "F", memberId: "a", role: VICE) { members { member { id } role } } }')
    assert promoted["setFamilyRole"]["members"] == [{"member": {"id": "a"}, "role": "VICE"}, {"member": {"id": "b"}, "role": "MEMBER"}]
    removed = gql.ok('mutation { removeFamilyMember(familyId: "F", memberId: "b", reason: "5 days without activity") '
                     '{ members { member { id } } changes { memberId action role previousRole reason at } } }')
    data = removed["removeFamilyMember"]
    assert data["members"] == [{"member": {"id": "a"}}]
    assert [(c["memberId"], c["action"], c["role"], c["previousRole"], c["reason"]) for c in data["changes"]] == [
        ("L", "CREATED", "LEADER", None, None), ("a", "JOINED", "MEMBER", None, None),
        ("b", "JOINED", "MEMBER", None, None), ("a", "ROLE_CHANGED", "VICE", "MEMBER", None),
        ("b", "REMOVED", "MEMBER", None, "5 days without activity"),
    ]
    assert data["changes"][-1]["at"].startswith("2026-03-18T00:00:00")
    # b may join another family now
    register(rn, "Other leader", member_id="L2")
    gql.ok(CREATE, id="G", leader="L2")
    gql.ok(ADD, f="G", m="b")


@pytest.mark.parametrize("query, variables, code, field", [
    (CREATE, {"id": "F", "leader": "x"}, "CONFLICT", "id"),                   # the id is taken
    (CREATE, {"id": "G", "leader": "nobody"}, "NOT_FOUND", "leaderId"),
    (CREATE, {"id": "G", "leader": "a"}, "CONFLICT", "leaderId"),             # a is in family F
    (ADD, {"f": "F", "m": "a"}, "CONFLICT", "memberId"),                      # already a member
    (ADD, {"f": "F", "m": "L"}, "CONFLICT", "memberId"),                      # the leader
    (ADD, {"f": "nope", "m": "x"}, "NOT_FOUND", "familyId"),
    ('mutation { removeFamilyMember(familyId: "F", memberId: "x", reason: "r") { id } }', {}, "NOT_FOUND", "memberId"),
    ('mutation { removeFamilyMember(familyId: "F", memberId: "a", reason: "  ") { id } }', {}, "BAD_INPUT", "reason"),
])
def test_bad_family_changes_write_nothing(gql, rn, query, variables, code, field):
    family(gql, rn, ["a"])
    register(rn, "Loose", member_id="x")
    before = rn.store.run_text("MATCH (n) RETURN count(n) AS n")[0]["n"]
    error = gql.error(query, **variables)
    assert error["extensions"]["code"] == code and error["message"].startswith(field), error
    assert rn.store.run_text("MATCH (n) RETURN count(n) AS n")[0]["n"] == before


# --- activity -------------------------------------------------------------------------------

def test_record_activity_one_by_one_and_in_bulk(gql, rn):
    family(gql, rn, ["a", "b"])
    assert gql.ok(RECORD, f="F", events=[gift("a", 500)])["recordActivity"] == 1
    bulk = [gift("a", 100), {"memberId": "b", "type": "SONG_UPLOAD", "at": iso(WEEK_START)},
            {"memberId": "L", "type": "EXPENSE", "at": iso(WEEK_START), "category": "props", "amount": "373.00"}]
    assert gql.ok(RECORD, f="F", events=bulk)["recordActivity"] == 3
    rows = rn.store.run_text("MATCH (a:Activity)-[:BY]->(m:Member) MATCH (a)-[:IN]->(f:Family) "
                             "RETURN m.id AS m, f.id AS f, a.type AS t, a.diamonds AS d, a.amount AS amount ORDER BY a.at, m.id")
    assert {(r["m"], r["t"], r["d"], r["amount"]) for r in rows} == {
        ("a", "LIVE_GIFT", 500, None), ("a", "LIVE_GIFT", 100, None), ("b", "SONG_UPLOAD", 0, None),
        ("L", "EXPENSE", 0, 37300)}


@pytest.mark.parametrize("bad, code, message", [
    ({"memberId": "x", "type": "LIVE_GIFT", "diamonds": 5}, "NOT_FOUND", "events[1], memberId: 'x' is not a member"),
    ({"memberId": "L", "type": "LIVE_GIFT", "diamonds": 5}, "BAD_INPUT", "events[1], memberId: 'L' leads family"),
    ({"memberId": "a", "type": "EXPENSE", "category": "yacht", "amount": "5.00"}, "BAD_INPUT", "events[1], category"),
    ({"memberId": "a", "type": "EXPENSE", "category": "props"}, "BAD_INPUT", "events[1], amount"),
    ({"memberId": "a", "type": "LIVE_GIFT", "diamonds": -1}, "BAD_INPUT", "events[1], diamonds"),
    ({"memberId": "a", "type": "SONG_UPLOAD", "category": "props"}, "BAD_INPUT", "events[1], category"),
])
def test_a_bad_event_records_nothing(gql, rn, bad, code, message):
    family(gql, rn, ["a"])
    register(rn, "Loose", member_id="x")
    error = gql.error(RECORD, f="F", events=[gift("a", 100), {"at": iso(WEEK_START), **bad}])
    assert error["extensions"]["code"] == code and error["message"].startswith(message), error
    assert activity_count(rn) == 0


def test_future_events_are_refused(gql, rn):
    family(gql, rn, ["a"])
    error = gql.error(RECORD, f="F", events=[gift("a", 1, at=NOW + 1)])
    assert error["message"] == "events[0], at: is in the future"


# --- the period close (rules §10 worked example) ------------------------------------------------

def test_twelve_thousand_diamonds_book_800_for_the_leader(gql, rn):
    family(gql, rn, ["a", "b"])
    gql.ok(RECORD, f="F", events=[gift("a", 7000), gift("a", 5000, kind="PK_GIFT"), gift("b", 8000),
                                  gift("a", 90000, kind="COIN_PURCHASE"), gift("a", 90000, kind="PRACTICE"),
                                  gift("b", 50000, at=WEEK_START - 1)])  # the week before
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 1, "total": "800.00"}
    [entry] = rn.store.run_text(LEDGER)
    assert entry == {"id": f"family:F:{WEEK}#0", "amount": 80000, "rule": "family_commission", "status": "PAID",
                     "period": WEEK, "to": "L", "explanation": "20% of (12000 - 8000) = 800 diamonds from member a"}
    assert rn.store.run_text("MATCH (m:Member {id: 'L'}) RETURN m.paid AS paid")[0]["paid"] == 80000
    seen = gql.ok('{ ledger(memberId: "L", rule: "family_commission") { id amount status period beneficiaryId explanation } '
                  'member(id: "L") { balance { available } } }')
    assert seen["ledger"] == [{"id": f"family:F:{WEEK}#0", "amount": "800.00", "status": "PAID", "period": WEEK,
                               "beneficiaryId": "L", "explanation": "20% of (12000 - 8000) = 800 diamonds from member a"}]
    assert seen["member"]["balance"]["available"] == "800.00"
    # a re-run books nothing and answers the same
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 1, "total": "800.00"}
    assert len(rn.store.run_text(LEDGER)) == 1
    # the week is closed: its activity cannot change any more
    error = gql.error(RECORD, f="F", events=[gift("b", 1)])
    assert error["extensions"]["code"] == "CONFLICT" and "2026-W10" in error["message"]


def test_ten_members_at_15000_book_14000_and_thirty_at_6000_book_nothing(gql, rn):
    ten = [f"t{i}" for i in range(10)]
    thirty = [f"s{i}" for i in range(30)]
    family(gql, rn, ten, "TEN", "L1")
    family(gql, rn, thirty, "THIRTY", "L2")
    gql.ok(RECORD, f="TEN", events=[gift(m, 15000) for m in ten])
    gql.ok(RECORD, f="THIRTY", events=[gift(m, 6000) for m in thirty])
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 10, "total": "14000.00"}
    entries = rn.store.run_text(LEDGER)
    assert {e["to"] for e in entries} == {"L1"} and {e["amount"] for e in entries} == {140000}
    runs = rn.store.run_text("MATCH (r:FamilyPeriodRun) RETURN r.family_id AS f, r.entries AS n, r.total AS t ORDER BY f")
    assert runs == [{"f": "TEN", "n": 10, "t": 1400000}, {"f": "THIRTY", "n": 0, "t": 0}]


def test_close_refuses_open_and_malformed_periods(gql, rn):
    family(gql, rn, ["a"])
    for period, text in (("2026-W12", "has not ended"), ("2026-W99", "has no ISO week 99"), ("2026-03", "closes weeks"),
                         ("march", "is not a period")):
        error = gql.error(CLOSE, p=period)
        assert error["extensions"]["code"] == "BAD_INPUT" and text in error["message"], (period, error)
    assert rn.store.run_text("MATCH (r:FamilyPeriodRun) RETURN count(r) AS n")[0]["n"] == 0


def test_removed_members_activity_of_the_week_still_counts(gql, rn):
    family(gql, rn, ["a"])
    gql.ok(RECORD, f="F", events=[gift("a", 9000)])
    gql.ok('mutation { removeFamilyMember(familyId: "F", memberId: "a", reason: "left") { id } }')
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"]["total"] == "200.00"


# --- team health ------------------------------------------------------------------------------

HEALTH = """query($f: ID!, $at: DateTime!) { teamHealth(familyId: $f, asOf: $at) {
  familyId asOf
  members { memberId role lastActivityAt gapHours gapLevel diamonds30d share30d topContributor weeklyDiamonds
            cv consistency mayLeave diamondsMonth songsWeek pkDays meetsRole roleShortfalls mayPromoteTo
            flags { code message } }
  topContributors { totalDiamonds memberIds groupShare cut }
  budget { periods spend byCategory { category amount share } commission commissionDiamonds netMargin marginClass
           flags { code message } }
  flags { code memberId message }
} }"""


def test_team_health_through_graphql(gql, rn):
    family(gql, rn, ["a", "b"])
    as_of = NOW
    gql.ok(RECORD, f="F", events=[
        gift("a", 13000, at=WEEK_START + 3600_000),
        gift("b", 1000, at=as_of - 48 * 3600_000),
        {"memberId": "L", "type": "EXPENSE", "at": iso(WEEK_START), "category": "props", "amount": "300.00"},
        {"memberId": "L", "type": "EXPENSE", "at": iso(WEEK_START), "category": "incentives", "amount": "100.00"},
    ])
    report = gql.ok(HEALTH, f="F", at=iso(as_of))["teamHealth"]
    a, b = report["members"]
    assert a["memberId"] == "a" and a["gapLevel"] == "REMOVAL_CANDIDATE" and a["diamonds30d"] == 13000
    assert b["gapLevel"] == "AT_RISK" and b["gapHours"] == "48.0000" and b["lastActivityAt"].startswith("2026-03-16")
    assert report["topContributors"] == {"totalDiamonds": 14000, "memberIds": ["a"], "groupShare": "0.9285", "cut": "0.8000"}
    assert a["roleShortfalls"] == ["song uploads in 7 days 0 < 10"]
    budget = report["budget"]
    assert budget["periods"] == ["2026-W08", "2026-W09", "2026-W10", "2026-W11"]
    assert (budget["spend"], budget["commission"], budget["netMargin"], budget["marginClass"]) == \
        ("400.00", "1000.00", "0.6000", "HEALTHY")
    assert [f["code"] for f in budget["flags"]] == ["PROPS_HIGH"]
    assert budget["flags"][0]["message"] == "props 300.00 of 400.00 spent = 75% > 25%"
    codes = {(f["code"], f["memberId"]) for f in report["flags"]}
    assert {("REMOVAL_CANDIDATE", "a"), ("AT_RISK", "b"), ("ROLE_NOT_MET", "a"), ("PROPS_HIGH", None)} <= codes


def test_team_health_of_an_unknown_family(gql):
    error = gql.error(HEALTH, f="nope", at=iso(NOW))
    assert error["extensions"]["code"] == "NOT_FOUND"


# --- the chart --------------------------------------------------------------------------------

def test_chart_is_a_valid_svg_with_one_series_per_member_and_the_commission(gql, rn, monkeypatch):
    family(gql, rn, ["a", "b", "c"])
    events = [gift(m, d, at=NOW - w * 7 * 86_400_000 - 3600_000)
              for w in range(12) for m, d in (("a", 9000 + 500 * w), ("b", 12000))]
    gql.ok(RECORD, f="F", events=events)
    response = gql.http.get("/families/F/chart.svg", params={"asOf": iso(NOW)})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    groups = [element.get("id") for element in root.iter() if element.get("id", "").startswith(("member-", "family-"))]
    assert groups == ["member-a", "member-b", "member-c", "family-commission"]
    for gid in groups:  # every series is a drawn line
        group = next(element for element in root.iter() if element.get("id") == gid)
        assert group.find("{http://www.w3.org/2000/svg}path") is not None
    assert gql.http.get("/families/nope/chart.svg").status_code == 404
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    assert gql.http.get("/families/F/chart.svg").status_code == 401
    ok = gql.http.get("/families/F/chart.svg", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


def test_chart_data_counts_qualifying_diamonds_per_week(family_plan):
    from graph.plans.family.activity import ActivityEvent
    from graph.plans.family.chart import chart_data

    events = [ActivityEvent("F", "a", "LIVE_GIFT", WEEK_START, 12000), ActivityEvent("F", "a", "PRACTICE", WEEK_START, 5),
              ActivityEvent("F", "gone", "BATTLE", WEEK_START, 9000)]
    data = chart_data(family_plan, ["a", "b"], events, NOW)
    assert data.periods[-3:] == ("2026-W10", "2026-W11", "2026-W12") and len(data.periods) == 12
    assert data.members["a"][-3:] == (12000, 0, 0) and data.members["b"] == (0,) * 12
    assert data.commission[-3] == 1000  # 800 from a + 200 from a member removed since


def test_a_close_killed_half_way_is_finished_by_a_rerun(gql, rn, family_plan):
    from graph.plans.family import commission

    family(gql, rn, ["a"], "A", "LA")
    family(gql, rn, ["b"], "B", "LB")
    gql.ok(RECORD, f="A", events=[gift("a", 10000)])
    gql.ok(RECORD, f="B", events=[gift("b", 20000)])
    start, end = periods.bounds(WEEK)
    assert commission.close_family_period(rn, family_plan, "A", WEEK, start, end) == 1  # then the job died
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 2, "total": "2800.00"}
    assert [(e["to"], e["amount"]) for e in rn.store.run_text(LEDGER)] == [("LA", 40000), ("LB", 240000)]
    assert commission.close_family_period(rn, family_plan, "A", WEEK, start, end) == 0


def test_family_operations_need_the_admin_token(gql, rn, monkeypatch):
    family(gql, rn, ["a"])
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    for query, variables in ((RECORD, {"f": "F", "events": [gift("a", 1)]}), (CLOSE, {"p": WEEK}),
                             (HEALTH, {"f": "F", "at": iso(NOW)}), ('{ family(id: "F") { id } }', {})):
        assert gql.error(query, **variables)["extensions"]["code"] == "UNAUTHENTICATED"
    assert activity_count(rn) == 0
    assert gql.ok('{ family(id: "F") { id name leader { id } } }', "s3cret")["family"] == \
        {"id": "F", "name": "Sing Along", "leader": {"id": "L"}}


class TestWithoutTheFamilyPlan:
    @pytest.fixture
    def plan(self):
        return load_plan("linkage-3plus1")

    def test_families_need_the_family_plan(self, gql, rn):
        register(rn, "Leader", member_id="L")
        error = gql.error(CREATE, id="F", leader="L")
        assert error["extensions"]["code"] == "BAD_INPUT" and error["message"].startswith("plan:")
        error = gql.error(CLOSE, p=WEEK)
        assert error["extensions"]["code"] == "BAD_INPUT" and "is not a month" in error["message"]


def test_a_family_created_later_can_import_and_book_a_closed_week(gql, rn):
    family(gql, rn, ["a"], "A", "LA")
    gql.ok(RECORD, f="A", events=[gift("a", 9000)])
    register(rn, "Late leader", member_id="LB")  # at NOW: after WEEK ended
    register(rn, "Late singer", sponsor_id="LB", member_id="b")
    gql.ok(CREATE, id="B", leader="LB")
    gql.ok(ADD, f="B", m="b")
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 1, "total": "200.00"}
    keys = rn.store.run_text("MATCH (r:FamilyPeriodRun) RETURN r.key AS key")
    assert keys == [{"key": f"A:{WEEK}"}]  # B did not exist in that week and had no activity in it
    gql.ok(RECORD, f="B", events=[gift("b", 10000)])  # B's history of that week
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"] == {"period": WEEK, "entries": 2, "total": "600.00"}
    assert gql.error(RECORD, f="B", events=[gift("b", 1)])["extensions"]["code"] == "CONFLICT"


class TestAMonthlyPlan:
    @pytest.fixture
    def plan(self):
        from importlib import resources

        text = resources.files("plans").joinpath("family.toml").read_text(encoding="utf-8")
        monthly = text.replace('period = "week"', 'period = "month"', 1)
        assert monthly != text
        return parse_plan(monthly.encode(), "family-monthly.toml")

    def test_close_a_month(self, gql, rn):
        family(gql, rn, ["a"])
        day = 86_400_000  # two weeks of 7000 each: nothing per week, 1200 for the month of February
        gql.ok(RECORD, f="F", events=[gift("a", 7000, at=WEEK_START - 5 * day), gift("a", 7000, at=WEEK_START - 12 * day)])
        assert gql.ok(CLOSE, p="2026-02")["closePeriod"] == {"period": "2026-02", "entries": 1, "total": "1200.00"}
        assert gql.error(CLOSE, p=WEEK)["message"].startswith("period: the family plan closes months like 2026-11")
        error = gql.error(CLOSE, p="2026-03")
        assert error["extensions"]["code"] == "BAD_INPUT" and "2026-03 has not ended" in error["message"]


def test_two_engines_closing_the_same_week_at_once_book_it_once(gql, rn, store, plan, family_plan):
    """Two Refnet instances on one graph (as two processes): separate guards, one version."""
    from concurrent.futures import ThreadPoolExecutor

    from graph.plans.family import commission
    from graph.service import Refnet

    rosters = {"F0": ["a0", "b0"], "F1": ["a1", "b1"], "F2": ["a2"], "F3": ["a3"]}
    for index, (family_id, roster) in enumerate(rosters.items()):
        family(gql, rn, roster, family_id, f"L{index}")
        gql.ok(RECORD, f=family_id, events=[gift(m, 10000 + 1000 * index) for m in roster])  # 400, 600, 800, 1000
    engines = [rn]
    for _ in range(3):
        other = Refnet(store.with_graph(store.graph_name), plan)
        other.clock = lambda: NOW
        engines.append(other)
    with ThreadPoolExecutor(8) as pool:
        runs = list(pool.map(lambda engine: commission.close_period(engine, family_plan, WEEK), engines * 2))
    entries = rn.store.run_text(LEDGER)
    assert len(entries) == len({e["id"] for e in entries}) == 6
    assert rn.store.run_text("MATCH (r:FamilyPeriodRun) RETURN count(r) AS n")[0]["n"] == 4
    final = commission.close_period(rn, family_plan, WEEK)
    assert (final.entries, str(final.total)) == (6, "3800.00")  # 2×400 + 2×600 + 800 + 1000
    assert all(run.period == WEEK for run in runs)


def test_events_with_ids_are_recorded_once(gql, rn):
    family(gql, rn, ["a"])
    first = [{**gift("a", 9000), "id": "g1"}, {**gift("a", 500), "id": "g2"}, {**gift("a", 500), "id": "g2"}, gift("a", 1)]
    assert gql.ok(RECORD, f="F", events=first)["recordActivity"] == 3  # g2 twice in the batch: once
    assert gql.ok(RECORD, f="F", events=first[:2])["recordActivity"] == 0  # a re-run records nothing
    assert activity_count(rn) == 3
    error = gql.error(RECORD, f="F", events=[{**gift("a", 9999), "id": "g1"}])
    assert error["extensions"]["code"] == "CONFLICT" and error["message"].startswith("events[0], id: 'g1'")
    error = gql.error(RECORD, f="F", events=[{**gift("a", 1), "id": "g3"}, {**gift("a", 2), "id": "g3"}])
    assert error["extensions"]["code"] == "BAD_INPUT" and error["message"].startswith("events[1], id: 'g3' appears twice")
    assert gql.ok(CLOSE, p=WEEK)["closePeriod"]["total"] == "300.20"  # (9000 + 500 + 1 - 8000) × 20 %
    # the closed week's events may be sent again: recorded already, so nothing changes
    assert gql.ok(RECORD, f="F", events=first[:2])["recordActivity"] == 0
    assert activity_count(rn) == 3
