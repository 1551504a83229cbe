"""The family plan's activity of a closed week moves to the archive (issue 19): team health, the
chart, the event reads and repeats of recorded ids answer as before the move; the graph keeps
none of the week's events; a move killed at any step leaves one copy of every event; an event
recorded late into a moved week stays hot and is read beside the archive."""

from __future__ import annotations

import contextlib
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graph.core.errors import Conflict
from graph.core.plan import Plan, load_plan, parse_plan
from graph.ledger import archive, history
from graph.network.members import register
from graph.plans.family import activity, chart, commission, families, health, periods
from graph.plans.family.activity import ActivityEvent
from graph.plans.family.plan import FamilyPlan
from graph.service import Refnet
from tests.support.archive import Killed, kill_at
from tests.support.family import NOW, RECORD, WEEK, WEEK_START, a_family_and_a_late_one, family, gift, iso

DAY = 86_400_000
OLD = "2026-W01"  # d's only activity, long before any report's window
WEEKS = [OLD, "2026-W08", "2026-W09", WEEK, "2026-W11"]  # closed and moved; 2026-W12 (NOW) stays open
IDS = ["g8", "g9", "g10", "g11", "g12", "nope"]


@pytest.fixture
def plan() -> Plan:
    return load_plan("family")


@pytest.fixture
def family_plan(plan: Plan) -> FamilyPlan:
    return plan.section("family")


@pytest.fixture
def rn(store, plan):
    engine = Refnet.start(store, plan)  # no archive yet: the closes book only, each test moves
    engine.clock = lambda: NOW
    return engine


def events_of_five_weeks(gql, rn) -> None:
    """Family F (leader L; a, b, c, d) with gifts, songs, PKs and expenses in every week from W08
    to the open W12, some with ids, and d's one song in W01."""
    family(gql, rn, ["a", "b", "c", "d"])
    events = [{"memberId": "d", "type": "SONG_UPLOAD", "at": iso(periods.bounds(OLD)[0] + DAY)}]
    for index, week in enumerate([*WEEKS[1:], "2026-W12"]):
        start = periods.bounds(week)[0]
        events += [
            {**gift("a", 9000 + 1000 * index, at=start + 3600_000), "id": f"g{8 + index}"},
            gift("b", 2500, at=start + DAY + 7 * 3600_000, kind="PK_GIFT"),
            {"memberId": "b", "type": "PK_JOIN", "at": iso(start + DAY)},
            {"memberId": "c", "type": "SONG_UPLOAD", "at": iso(start + 2 * DAY)},
            {"memberId": "L", "type": "EXPENSE", "at": iso(start + DAY), "category": "props",
             "amount": f"{100 + index}.25"},
        ]
    events.append(gift("c", 700, at=NOW - 2 * DAY + 1))  # a gift of the open week's first day
    gql.ok(RECORD, f="F", events=events)


def reads(rn: Refnet, family_plan: FamilyPlan) -> dict:
    """Every read of activity, in one comparable value."""
    moments = [NOW, periods.bounds(WEEK)[1] - 1, periods.bounds(WEEK)[0] + 3 * DAY]
    return {
        "health": [health.read_team_health(rn, family_plan, "F", at) for at in moments],
        "chart": chart.read_chart_svg(rn, family_plan, "F", NOW),
        "events": health.read_events(rn, "F", 0, NOW),
        "repeats": activity.recorded_by_ids(rn, IDS),
    }


def graph_events(rn: Refnet, weeks: list[str]) -> dict:
    """The rows, diamonds and cents of the family's events of `weeks` in the graph."""
    start, end = periods.bounds(weeks[0])[0], periods.bounds(weeks[-1])[1]
    return rn.store.run_text(
        "MATCH (a:Activity) WHERE a.at >= $start AND a.at < $end "
        "RETURN count(a) AS rows, sum(a.diamonds) AS diamonds, sum(coalesce(a.amount, 0)) AS cents",
        {"start": start, "end": end})[0]


def every_event(rn: Refnet) -> list[tuple]:
    """Every event as reads see them, with repeats if one had two copies: the graph's (but those
    of periods recorded and still being removed) and the recorded periods' files."""
    h = history.history(rn)
    hot = [tuple(row.values()) for row in rn.store.run_text(
        "MATCH (a:Activity) WHERE NOT coalesce(a.archive, '') IN $removing "
        "RETURN a.member_id AS m, a.type AS t, a.at AS at, a.diamonds AS d, a.amount AS c", {"removing": h.removing})]
    files = history.activity_files(h)
    cold = history.connection().execute(
        'SELECT member_id, type, "at", diamonds, amount FROM read_parquet(?)', [files]).fetchall() if files else []
    return sorted(hot + [tuple(row) for row in cold], key=repr)


def close_weeks(gql, rn) -> None:
    for week in WEEKS:
        assert gql.ok("mutation($p: String!) { closePeriod(period: $p) { period } }", p=week)


def test_moved_weeks_read_as_before_and_leave_the_graph(gql, rn, family_plan, tmp_path):
    events_of_five_weeks(gql, rn)
    close_weeks(gql, rn)
    before = reads(rn, family_plan)
    held = graph_events(rn, WEEKS)
    assert held["rows"] == 4 * 5 + 1 and held["cents"] == 100_25 + 101_25 + 102_25 + 103_25
    rn.archive = tmp_path / "archive"
    moved = archive.archive_closed(rn)
    assert [result.period for result in moved] == WEEKS
    assert graph_events(rn, WEEKS)["rows"] == 0  # the graph holds none of the moved weeks' events
    assert graph_events(rn, ["2026-W12"])["rows"] == 5 + 1  # the open week's stay
    assert reads(rn, family_plan) == before
    names, rows = history.query(rn, "SELECT count(*), sum(diamonds), sum(amount) FROM activity")
    assert len(names) == 3 and rows == [(held["rows"], held["diamonds"], held["cents"])]
    recorded = rn.store.run_text("MATCH (p:ArchivedPeriod) RETURN p.period AS period, p.activity AS rows ORDER BY period")
    assert recorded == [{"period": OLD, "rows": 1}, *({"period": week, "rows": 5} for week in WEEKS[1:])]
    d = before["health"][0].members[-1]
    assert d.member_id == "d" and d.last_activity_at == periods.bounds(OLD)[0] + DAY  # from the archive's spans
    assert before["repeats"].keys() == {"g8", "g9", "g10", "g11", "g12"}


def test_a_close_moves_its_week_and_the_api_answers_as_before(gql, rn, tmp_path):
    engine = rn
    engine.archive = tmp_path / "archive"  # each close moves its week by itself
    events_of_five_weeks(gql, engine)
    query = ('query($f: ID!, $at: DateTime!) { teamHealth(familyId: $f, asOf: $at) { members { memberId '
             'lastActivityAt weeklyDiamonds diamonds30d flags { code message } } budget { spend commission } } }')
    before = gql.ok(query, f="F", at=iso(NOW))
    chart_before = gql.http.get("/families/F/chart.svg", params={"asOf": iso(NOW)}).text
    close_weeks(gql, engine)
    assert graph_events(engine, WEEKS)["rows"] == 0  # moved by the closes themselves
    assert gql.ok(query, f="F", at=iso(NOW)) == before
    assert gql.http.get("/families/F/chart.svg", params={"asOf": iso(NOW)}).text == chart_before
    # the moved weeks' events sent again: recorded already, nothing changes; other content is a conflict
    again = [{**gift("a", 9000, at=periods.bounds("2026-W08")[0] + 3600_000), "id": "g8"}]
    assert gql.ok(RECORD, f="F", events=again)["recordActivity"] == 0
    error = gql.error(RECORD, f="F", events=[{**again[0], "diamonds": 1}])
    assert error["extensions"]["code"] == "CONFLICT" and "already recorded" in error["message"]


@pytest.mark.parametrize(("step", "after"), [("files", 1), ("record", 1), ("remove", 1), ("remove", 2),
                                             ("remove", 3), ("remove", 4), ("done", 1)])
def test_a_move_killed_at_any_step_leaves_one_copy_of_every_event(gql, rn, family_plan, tmp_path, monkeypatch,
                                                                  step, after):
    monkeypatch.setattr(archive, "REMOVE_BATCH", 2)  # the week's five events leave in three batches
    events_of_five_weeks(gql, rn)
    close_weeks(gql, rn)
    before, events = reads(rn, family_plan), every_event(rn)
    rn.archive = tmp_path / "archive"
    with pytest.raises(Killed):
        archive.archive_period(rn, WEEK, kill_at(step, after))
    assert every_event(rn) == events  # hot or archived, never both, never neither
    assert reads(rn, family_plan) == before
    assert archive.archive_period(rn, WEEK).period == WEEK
    assert every_event(rn) == events
    assert graph_events(rn, [WEEK])["rows"] == 0
    assert reads(rn, family_plan) == before


def test_a_read_overtaken_by_a_move_reads_again(gql, rn, family_plan, tmp_path, monkeypatch):
    events_of_five_weeks(gql, rn)
    close_weeks(gql, rn)
    before = reads(rn, family_plan)
    rn.archive = tmp_path / "archive"
    real = rn.store.run
    moved: list[archive.ArchiveResult] = []

    def run(name, params=None):  # the move runs between a read's look at the archive and its hot query
        if name == "family/activity_window" and not moved:
            moved.append(archive.archive_period(rn, WEEK))
        return real(name, params)

    monkeypatch.setattr(rn.store, "run", run)
    assert reads(rn, family_plan) == before
    assert moved and graph_events(rn, [WEEK])["rows"] == 0


def test_a_late_event_into_a_moved_week_stays_hot_and_is_read_beside_the_archive(gql, rn, family_plan, tmp_path):
    engine = rn
    engine.archive = tmp_path / "archive"
    a_family_and_a_late_one(gql, engine)
    close = "mutation($p: String!) { closePeriod(period: $p) { entries total } }"
    assert gql.ok(close, p=WEEK)["closePeriod"] == {"entries": 1, "total": "200.00"}
    assert graph_events(engine, [WEEK])["rows"] == 0  # A's event moved with the week
    late = gift("b", 10000, at=WEEK_START + 2 * DAY)
    assert gql.ok(RECORD, f="B", events=[late])["recordActivity"] == 1  # B's history of that week, after its move
    assert gql.ok(close, p=WEEK)["closePeriod"] == {"entries": 2, "total": "600.00"}
    assert archive.archive_period(engine, WEEK).removed == 0  # the week's move is done: the late event stays
    assert engine.store.run_text("MATCH (a:Activity) RETURN a.member_id AS m, a.archive AS archive") == \
        [{"m": "b", "archive": None}]
    week_end = periods.bounds(WEEK)[1]
    assert [(e.member_id, e.diamonds) for e in health.read_events(engine, "B", WEEK_START, week_end)] == [("b", 10000)]
    assert [(e.member_id, e.diamonds) for e in health.read_events(engine, "A", WEEK_START, week_end)] == [("a", 9000)]
    data = chart.chart_data(family_plan, ["b"], health.read_events(engine, "B", 0, NOW), NOW)
    assert data.members["b"][data.periods.index(WEEK)] == 10000
    report = health.read_team_health(engine, family_plan, "A", week_end)
    assert report.members[0].last_activity_at == WEEK_START + DAY  # read from the archive
    assert gql.error(RECORD, f="B", events=[gift("b", 1)])["extensions"]["code"] == "CONFLICT"  # closed for B now


def test_the_history_activity_view_answers_a_select_and_refuses_writes(gql, rn, tmp_path):
    events_of_five_weeks(gql, rn)
    close_weeks(gql, rn)
    rn.archive = tmp_path / "archive"
    archive.archive_period(rn, WEEK)
    names, rows = history.query(rn, "SELECT member_id, type, sum(diamonds) AS d, sum(amount) AS c FROM activity "
                                    "GROUP BY ALL ORDER BY member_id, type")
    assert names == ["member_id", "type", "d", "c"]
    assert rows == [("L", "EXPENSE", 0, 102_25), ("a", "LIVE_GIFT", 11000, None), ("b", "PK_GIFT", 2500, None),
                    ("b", "PK_JOIN", 0, None), ("c", "SONG_UPLOAD", 0, None)]
    with pytest.raises(Exception, match="only one read"):
        history.query(rn, "DELETE FROM activity")


def test_an_engine_without_archived_activity_has_an_empty_view(rn):
    assert history.query(rn, "SELECT count(*) FROM activity")[1] == [(0,)]


class TestAMonthlyPlan:
    @pytest.fixture
    def plan(self):
        from importlib import resources

        text = resources.files("plans").joinpath("family.toml").read_text(encoding="utf-8")
        return parse_plan(text.replace('period = "week"', 'period = "month"', 1).encode(), "family-monthly.toml")

    def test_a_closed_month_moves_its_events(self, gql, rn, family_plan, tmp_path):
        events_of_five_weeks(gql, rn)  # W08 and W09 are in February
        assert commission.close_period(rn, family_plan, "2026-02").entries == 1  # a: 9000 + 10000 diamonds
        before = reads(rn, family_plan)
        rn.archive = tmp_path / "archive"
        assert archive.archive_period(rn, "2026-02").rows == 1
        february = periods.bounds("2026-02")
        assert rn.store.run_text("MATCH (a:Activity) WHERE a.at >= $s AND a.at < $e RETURN count(a) AS n",
                                 {"s": february[0], "e": february[1]})[0]["n"] == 0
        assert history.query(rn, "SELECT count(*) FROM activity")[1] == [(10,)]
        assert reads(rn, family_plan) == before


def test_events_are_read_with_their_amounts_exact(gql, rn, tmp_path):
    events_of_five_weeks(gql, rn)
    close_weeks(gql, rn)
    rn.archive = tmp_path / "archive"
    archive.archive_closed(rn)
    spent = [event for event in health.read_events(rn, "F", 0, NOW) if event.type == "EXPENSE"]
    assert [event.amount for event in spent] == [Decimal(f"{100 + i}.25") for i in range(5)]
    assert all(isinstance(event, ActivityEvent) and event.family_id == "F" for event in spent)


def test_an_event_of_a_family_that_has_not_closed_the_week_stays_for_its_close(gql, rn, tmp_path):
    a_family_and_a_late_one(gql, rn)
    close = "mutation($p: String!) { closePeriod(period: $p) { entries total } }"
    assert gql.ok(close, p=WEEK)["closePeriod"] == {"entries": 1, "total": "200.00"}
    gql.ok(RECORD, f="B", events=[gift("b", 10000)])  # recorded after A closed the week, before the move
    rn.archive = tmp_path / "archive"
    archive.archive_period(rn, WEEK)
    assert history.query(rn, "SELECT member_id FROM activity")[1] == [("a",)]  # B has not closed the week
    assert gql.ok(close, p=WEEK)["closePeriod"] == {"entries": 2, "total": "600.00"}  # B's close reads its event


_graphs = itertools.count()
STREAM_WEEKS = [f"2026-W{number:02d}" for number in range(1, 13)]
operations = st.lists(st.one_of(
    st.tuples(st.just("record"), st.integers(0, 10), st.integers(0, 2), st.integers(0, 12000)),
    st.tuples(st.just("close"), st.just(0), st.just(0), st.just(0)),
    st.tuples(st.just("archive"), st.integers(0, 4), st.integers(1, 3), st.just(0)),
    st.tuples(st.just("family"), st.just(0), st.just(0), st.just(0)),
), min_size=4, max_size=18)


def events_as_read(rn: Refnet, family_ids: list[str], now: int) -> list[tuple]:
    return sorted((fid, e.member_id, e.at, e.diamonds) for fid in family_ids for e in health.read_events(rn, fid, 0, now))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=operations)
def test_every_event_has_one_copy_over_closes_late_families_and_killed_moves(falkor, tmp_path_factory, plan,
                                                                              family_plan, stream):
    rn = Refnet.start(falkor.with_graph(f"family_archive_{next(_graphs)}"), plan, archive=tmp_path_factory.mktemp("a"))
    week = [0]
    rn.clock = lambda: periods.bounds(STREAM_WEEKS[week[0]])[1] + 3600_000  # an hour after the current week
    rosters: dict[str, str] = {}  # family → its member

    def new_family() -> None:
        number = len(rosters)
        register(rn, f"Leader {number}", member_id=f"L{number}")
        register(rn, f"Singer {number}", sponsor_id=f"L{number}", member_id=f"s{number}")
        families.create_family(rn, f"F{number}", f"Family {number}", f"L{number}")
        families.add_member(rn, f"F{number}", f"s{number}")
        rosters[f"F{number}"] = f"s{number}"

    new_family()
    recorded: list[tuple] = []
    for number, (kind, pick, back, diamonds) in enumerate(stream):
        if kind == "family":
            new_family()  # created after the weeks before: their closes leave it out, its history may come late
        elif kind == "close":
            commission.close_period(rn, family_plan, STREAM_WEEKS[week[0]])  # the plan's close: no move by itself
            week[0] += 1
        elif kind == "archive":
            with contextlib.suppress(Killed):
                archive.archive_closed(rn, kill_at(["files", "record", "remove", "done", "never"][pick], back))
            assert events_as_read(rn, sorted(rosters), rn.clock()) == sorted(recorded)  # a read between two moves
        else:
            family_id = sorted(rosters)[pick % len(rosters)]
            at = periods.bounds(STREAM_WEEKS[max(0, week[0] - back)])[0] + number * 60_000
            try:
                activity.record_activity(rn, family_plan, [ActivityEvent(family_id, rosters[family_id], "LIVE_GIFT",
                                                                         at, diamonds)])
            except Conflict:  # a week the family closed
                continue
            recorded.append((family_id, rosters[family_id], at, diamonds))
    now = rn.clock()
    event(f"{len(history.recorded(rn))} weeks archived before the end")
    assert events_as_read(rn, sorted(rosters), now) == sorted(recorded)  # never two copies, never none
    assert len(every_event(rn)) == len(recorded)
    archive.archive_closed(rn)
    assert events_as_read(rn, sorted(rosters), now) == sorted(recorded)
    assert len(every_event(rn)) == len(recorded)
    assert rn.store.run_text("MATCH (a:Activity) WHERE a.archive IS NOT NULL RETURN count(a) AS n")[0]["n"] == 0
    rn.store.run_text("MATCH (n) DETACH DELETE n")
