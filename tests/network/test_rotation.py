"""The weekly rotation of wealth and contribution lines (rules §4): week arithmetic, designations,
slide targets after rotation, idempotency, catch-up, concurrency and crash recovery."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.core.errors import BadInput
from graph.network import members, rotation
from graph.network.placement import LineKind, designation
from graph.service import Refnet
from graph.store.store import open_store
from tests.support.paths import REPO
from tests.support.rotation import at_week, set_week

W48 = "2026-W48"


def state(rn: Refnet) -> dict[str, tuple[int, int]]:
    """member id → (r, number of placement children); r as every query derives it."""
    rows = rn.store.run_text(
        "MATCH (v:Meta {key: 'version'}) MATCH (m:Member) RETURN m.id AS id, "
        "coalesce(v.rotation_runs - m.full_at, 0) AS r, size([(c:Member)-[l:PLACED_UNDER]->(m) | l]) AS lines"
    )
    return {row["id"]: (row["r"], row["lines"]) for row in rows}


def full(rn: Refnet) -> set[str]:
    return {member_id for member_id, (_, lines) in state(rn).items() if lines == 3}


def grow(rn: Refnet, n: int, sponsors_per_level: int = 5) -> None:
    """A root and n members, each sponsored by one of the few earliest members (lots of slides)."""
    members.register(rn, "Root", member_id="root")
    ids = ["root"]
    for index in range(n):
        sponsor = ids[index % min(len(ids), sponsors_per_level)]
        members.register(rn, "M", sponsor_id=sponsor, member_id=f"m{index}")
        ids.append(f"m{index}")


# --- week arithmetic -------------------------------------------------------------------------

def test_week_names_and_indexes():
    assert rotation.week_name(rotation.parse_week("2026-W48")) == "2026-W48"
    assert rotation.parse_week("2026-W49") == rotation.parse_week("2026-W48") + 1
    assert rotation.parse_week("2027-W01") == rotation.parse_week("2026-W53") + 1  # 2026 has 53 weeks
    assert rotation.week_of(at_week("2026-W48", 0)) == rotation.parse_week("2026-W48")
    assert rotation.week_of(at_week("2026-W48", 0) - 1) == rotation.parse_week("2026-W47")
    monday = datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert rotation.week_start_ms(rotation.parse_week(W48)) == int(monday.timestamp()) * 1000


@pytest.mark.parametrize("week", ["2026-48", "2026-W4", "2025-W53", "2026-W00", "2026-W54", "", "W48", "2026-w48"])
def test_malformed_weeks_are_bad_input(week):
    with pytest.raises(BadInput):
        rotation.parse_week(week)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=4_000_000_000_000))
def test_week_of_matches_the_iso_calendar(ms):
    year, week, _ = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isocalendar()
    index = rotation.week_of(ms)
    assert rotation.week_name(index) == f"{year:04d}-W{week:02d}"
    assert rotation.week_start_ms(index) <= ms < rotation.week_start_ms(index + 1)


def test_weeks_to_catch_up():
    assert rotation.weeks_to_catch_up(None, 100) == [100]
    assert rotation.weeks_to_catch_up(97, 100) == [98, 99, 100]
    assert rotation.weeks_to_catch_up(100, 100) == []


# --- designations and slides -----------------------------------------------------------------

LINES = "query($id: ID!) { member(id: $id) { rotation lines { slot kind } } }"


def test_a_full_member_has_wealth_on_slot_3_then_1_then_2(rn, gql):
    members.register(rn, "S", member_id="S")
    for name in "ABC":
        members.register(rn, name, sponsor_id="S", member_id=name)
    wealth_slots = []
    for week in ("2026-W46", "2026-W47", "2026-W48", None):
        member = gql.ok(LINES, id="S")["member"]
        wealth = [line["slot"] for line in member["lines"] if line["kind"] == "WEALTH"]
        assert len(wealth) == 1 and len(member["lines"]) == 3
        wealth_slots.append((member["rotation"], wealth[0]))
        if week is not None:
            set_week(rn, week)
            gql.ok("mutation($w: String!) { rotateLines(week: $w) { week rotated } }", w=week)
    assert wealth_slots == [(0, 3), (1, 1), (2, 2), (3, 3)]
    assert [designation(s, 1) for s in (1, 2, 3)] == [LineKind.WEALTH, LineKind.CONTRIBUTION, LineKind.CONTRIBUTION]


def test_members_with_fewer_than_three_lines_are_not_rotated(rn):
    members.register(rn, "S", member_id="S")
    members.register(rn, "A", sponsor_id="S", member_id="A")
    members.register(rn, "B", sponsor_id="S", member_id="B")
    set_week(rn, W48)
    run = rotation.rotate(rn, W48)
    assert run.rotated == 0
    assert state(rn)["S"] == (0, 2)


def test_slide_targets_follow_the_designation_after_rotation(rn):
    """S's 4th and 5th referrals aim at a wealth line: slot 3 at r = 0, slot 1 after one
    rotation, slot 2 after two."""
    for sponsor in ("S", "T"):
        members.register(rn, sponsor, member_id=sponsor)
        for slot in (1, 2, 3):
            members.register(rn, "L", sponsor_id=sponsor, member_id=f"{sponsor}{slot}")
    # T is not rotated: its 4th referral slides into its wealth line at r = 0, slot 3
    assert members.register(rn, "x", sponsor_id="T", member_id="T4").parent_id == "T3"

    set_week(rn, "2026-W47")
    rotation.rotate(rn, "2026-W47")  # S and T: r = 1, wealth is slot 1
    assert members.register(rn, "x", sponsor_id="S", member_id="S4").parent_id == "S1"
    set_week(rn, W48)
    rotation.rotate(rn, W48)  # r = 2, wealth is slot 2
    assert members.register(rn, "x", sponsor_id="S", member_id="S5").parent_id == "S2"
    # S's 6th aims at a contribution line (slots 1 and 3 at r = 2): the weaker, slot 3
    assert members.register(rn, "x", sponsor_id="S", member_id="S6").parent_id == "S3"
    assert members.get_member(rn, "S").r == 2


# --- idempotency, bad input, history ---------------------------------------------------------

ROTATE = "mutation($w: String!) { rotateLines(week: $w) { week rotated at startedAt finishedAt } }"
ROTATIONS = "{ rotations { week rotated at finishedAt } }"


def test_a_week_runs_once(rn, gql):
    grow(rn, 30)
    expected = full(rn)
    set_week(rn, W48)
    first = gql.ok(ROTATE, w=W48)["rotateLines"]
    before = state(rn)
    set_week(rn, "2026-W49")
    again = gql.ok(ROTATE, w=W48)["rotateLines"]
    assert again == first
    assert first["rotated"] == len(expected) > 0
    assert state(rn) == before
    assert all(before[m][0] == (1 if m in expected else 0) for m in before)
    history = gql.ok(ROTATIONS)["rotations"]
    assert history == [{"week": W48, "rotated": len(expected), "at": first["at"], "finishedAt": first["finishedAt"]}]
    assert first["at"] == "2026-11-23T01:00:00+00:00"


@pytest.mark.parametrize("week,message", [("2026-W49", "has not begun"), ("2026-48", "ISO week"), ("2025-W53", "no ISO week")])
def test_future_and_malformed_weeks_are_bad_input_and_change_nothing(rn, gql, week, message):
    grow(rn, 10)
    set_week(rn, W48)
    before = state(rn)
    error = gql.error(ROTATE, w=week)
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert message in error["message"]
    assert state(rn) == before
    assert gql.ok(ROTATIONS)["rotations"] == []


def test_rotations_are_public_and_rotating_needs_the_admin_token(rn, gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "secret")
    set_week(rn, W48)
    assert gql.error(ROTATE, w=W48)["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.ok(ROTATIONS)["rotations"] == []
    assert gql.ok(ROTATE, token="secret", w=W48)["rotateLines"]["week"] == W48
    assert [run["week"] for run in gql.ok(ROTATIONS)["rotations"]] == [W48]


def test_a_rotation_bumps_the_graph_version(rn):
    """Registrations read r: one computed before a rotation batch must be retried."""
    grow(rn, 5)
    version = rn.store.run("meta_version")[0]["version"]
    set_week(rn, W48)
    rotation.rotate(rn, W48)
    assert rn.store.run("meta_version")[0]["version"] > version


# --- skipped weeks and catch-up --------------------------------------------------------------

def test_a_skipped_past_week_can_be_run_later(rn):
    grow(rn, 20)
    expected = full(rn)
    set_week(rn, W48)
    rotation.rotate(rn, "2026-W45")
    rotation.rotate(rn, W48)
    rotation.rotate(rn, "2026-W46")  # skipped, run after a later week: r is a count
    rotation.rotate(rn, "2026-W46")
    rotation.rotate(rn, "2026-W45")
    assert [run.week for run in rotation.rotations(rn)] == [W48, "2026-W46", "2026-W45"]
    assert {run.rotated for run in rotation.rotations(rn)} == {len(expected)}
    assert all(r == (3 if m in expected else 0) for m, (r, _) in state(rn).items())


def test_catch_up_runs_the_missed_weeks_oldest_first(rn):
    grow(rn, 20)
    expected = full(rn)
    set_week(rn, "2026-W45")
    assert [run.week for run in rotation.catch_up(rn)] == ["2026-W45"]  # never ran: the current week only
    assert rotation.catch_up(rn) == []
    set_week(rn, W48)
    assert [run.week for run in rotation.catch_up(rn)] == ["2026-W46", "2026-W47", W48]
    assert rotation.catch_up(rn) == []
    assert all(r == (4 if m in expected else 0) for m, (r, _) in state(rn).items())


def test_the_scheduler_catches_up_at_start_then_runs_each_new_week(rn):
    """`refnet serve`'s job, driven by a fake clock: sleeping moves the clock on."""
    grow(rn, 12)
    expected = full(rn)
    set_week(rn, "2026-W45")
    rotation.rotate(rn, "2026-W45")
    now = [at_week("2026-W47", 3 * 24 * 3600)]  # down during W46; started on Thursday of W47
    rn.clock = lambda: now[0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise asyncio.CancelledError
        now[0] += int(seconds * 1000)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(rotation.weekly_rotation(rn, sleep=sleep))
    weeks = [run.week for run in rotation.rotations(rn)]
    assert weeks == ["2026-W49", W48, "2026-W47", "2026-W46", "2026-W45"]
    assert sleeps[0] == pytest.approx(4 * 24 * 3600 + 1)  # until Monday 00:00 UTC (+1 s)
    assert sleeps[1] == pytest.approx(7 * 24 * 3600)
    assert all(r == (5 if m in expected else 0) for m, (r, _) in state(rn).items())


# --- concurrency and crashes -----------------------------------------------------------------

def test_two_instances_rotating_one_week_rotate_each_member_once(store):
    first, second = Refnet.start(store), Refnet.start(store)
    grow(first, 60)
    expected = full(first)
    for engine in (first, second):
        set_week(engine, W48)
    results: list[rotation.RotationRun] = []
    errors: list[BaseException] = []

    def run(engine: Refnet) -> None:
        try:
            results.append(rotation.rotate(engine, W48))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {run.rotated for run in results} == {len(expected)}
    assert all(r == (1 if m in expected else 0) for m, (r, _) in state(first).items())


def test_two_schedulers_on_one_graph_rotate_each_member_once_per_week(store):
    first, second = Refnet.start(store), Refnet.start(store)
    grow(first, 30)
    expected = full(first)
    for engine in (first, second):
        set_week(engine, "2026-W46")
        rotation.catch_up(engine)
        set_week(engine, W48)
    threads = [threading.Thread(target=rotation.catch_up, args=(engine,)) for engine in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [run.week for run in rotation.rotations(first)] == [W48, "2026-W47", "2026-W46"]
    assert all(r == (3 if m in expected else 0) for m, (r, _) in state(first).items())


def legacy_graph(rn: Refnet, stored_r: dict[str, int], open_week: str | None = None,
                 rotated_for_open: frozenset[str] = frozenset()) -> None:
    """Rewrites the graph as it was stored before the run counter: r on every member, a marker
    rot_week on the members the open run (a crash half-way) had reached, no counters."""
    rn.store.run_text(
        "UNWIND $rows AS row MATCH (m:Member {id: row.id}) "
        "SET m.r = row.r, m.rot_week = row.rot_week REMOVE m.full_at",
        {"rows": [{"id": m, "r": r, "rot_week": open_week if m in rotated_for_open else None}
                  for m, r in stored_r.items()]},
    )
    rn.store.run_text("MATCH (v:Meta {key: 'version'}) REMOVE v.full_members, v.rotation_runs")
    if open_week is not None:
        rn.store.run_text("MATCH (run:Rotation {week: $w}) REMOVE run.finished_at", {"w": open_week})


def test_a_graph_with_stored_offsets_is_converted_once_at_start(store):
    rn = Refnet.start(store)
    grow(rn, 40)
    expected = full(rn)
    for week in ("2026-W46", "2026-W47"):
        set_week(rn, week)
        rotation.rotate(rn, week)
    before = state(rn)
    legacy_graph(rn, {m: r for m, (r, _) in before.items()})
    again = Refnet.start(store)
    assert state(again) == before
    assert rotation.upgrade_offsets(store, again.clock()) == 0  # converted once
    assert rn.store.run_text("MATCH (m:Member) WHERE m.r IS NOT NULL RETURN count(m) AS n")[0]["n"] == 0
    set_week(again, W48)
    assert rotation.rotate(again, W48).rotated == len(expected)
    assert all(r == (3 if m in expected else 0) for m, (r, _) in state(again).items())


def test_a_run_a_crash_left_half_way_is_finished_by_the_conversion(store):
    """Before the run counter a run went through the members in batches; a graph a crash left
    half-way through W48 (some full members rotated for it, marked rot_week) is finished by the
    conversion as that run would have finished: every full member rotated once for W48."""
    rn = Refnet.start(store)
    grow(rn, 40)
    expected = full(rn)
    set_week(rn, "2026-W47")
    rotation.rotate(rn, "2026-W47")
    set_week(rn, W48)
    rotation.rotate(rn, W48)
    reached = frozenset(sorted(expected)[: len(expected) // 2])
    legacy_graph(rn, {m: (2 if m in reached else 1) if m in expected else 0 for m in state(rn)}, W48, reached)
    again = Refnet.start(store)
    assert all(r == (2 if m in expected else 0) for m, (r, _) in state(again).items())
    runs = {run.week: run for run in rotation.rotations(again)}
    assert runs[W48].finished_at is not None and runs[W48].rotated == len(expected)
    set_week(again, "2026-W49")
    assert rotation.rotate(again, "2026-W49").rotated == len(expected)


def _current_week() -> str:
    return rotation.week_name(rotation.week_of(time.time_ns() // 1_000_000))


@pytest.mark.integration
def test_refnet_rotate_runs_the_current_week_once(tmp_path: Path):
    """`refnet rotate` in its own process, twice: the second run finds the week done."""
    data = tmp_path / "data"
    store = open_store(data, url="")
    try:
        rn = Refnet.start(store)
        grow(rn, 300, sponsors_per_level=20)
        expected = full(rn)
    finally:
        store.close()
    env = {**os.environ, "PYTHONPATH": str(REPO), "REFNET_GRAPH_URL": ""}
    command = [sys.executable, "-m", "cli.main", "rotate", "--data", str(data)]
    for _ in range(2):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"{_current_week()}: done, {len(expected):,} members rotated" in done.stdout
    store = open_store(data, url="")
    try:
        rn = Refnet.start(store)
        assert all(r == (1 if m in expected else 0) for m, (r, _) in state(rn).items())
        assert [(run.week, run.rotated) for run in rotation.rotations(rn)] == [(_current_week(), len(expected))]
    finally:
        store.close()


def test_serve_runs_the_rotation_job_at_start(rn):
    """The app's default background jobs include the weekly rotation: at start it runs the
    current week (nothing ran before)."""
    from starlette.testclient import TestClient

    from api.app import BACKGROUND_JOBS, create_app

    assert rotation.weekly_rotation in BACKGROUND_JOBS
    grow(rn, 6)
    expected = full(rn)
    set_week(rn, W48)
    with TestClient(create_app(lambda: rn)):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not [r for r in rotation.rotations(rn) if r.finished_at]:
            time.sleep(0.05)
    assert [(run.week, run.rotated) for run in rotation.rotations(rn)] == [(W48, len(expected))]


def test_the_rotation_job_can_be_switched_off(rn, monkeypatch):
    monkeypatch.setenv("REFNET_ROTATION_JOB", "off")
    set_week(rn, W48)

    async def sleep(seconds: float) -> None:
        raise AssertionError("the job should have returned")

    asyncio.run(rotation.weekly_rotation(rn, sleep=sleep))
    assert rotation.rotations(rn) == []


@settings(max_examples=20, deadline=None)
@given(
    steps=st.lists(
        st.one_of(st.integers(min_value=40, max_value=48).map(lambda n: f"2026-W{n}"),
                  st.integers(min_value=0, max_value=30)),
        min_size=1, max_size=25,
    ),
)
def test_offsets_slides_and_lines_equal_rotating_every_full_member(falkor, steps):
    """Weeks run in any order and repeated, between registrations (so members fill their third
    slot between rotations): every member's r, line designations and every placement equal an
    independent model that adds one to each full member's r per week run once."""
    from tests.support.db import graph_numbers as _graph_numbers
    from tests.support.placement_model import PlacementModel

    rn = Refnet.start(falkor.with_graph(f"test_{next(_graph_numbers)}"))
    set_week(rn, W48)
    model = PlacementModel()
    members.register(rn, "Root", member_id="root")
    model.register("root", None)
    ran: set[str] = set()
    for step in steps:
        if isinstance(step, str):
            run = rotation.rotate(rn, step)
            if step not in ran:
                assert run.rotated == sum(1 for m in model.children if len(model.children[m]) == 3)
                model.rotate()
                ran.add(step)
            continue
        ids = list(model.order)
        sponsor = ids[step % len(ids)]
        new_id = f"m{len(ids)}"
        placed = members.register(rn, "M", sponsor_id=sponsor, member_id=new_id)
        model.register(new_id, sponsor)
        assert (placed.parent_id, placed.slot) == (model.parent[new_id], model.slot[new_id])
    assert {m: r for m, (r, _) in state(rn).items()} == model.r
    for member_id in model.order:
        record = members.get_member(rn, member_id)
        assert record.r == model.r[member_id]
        lines = members.lines_of(rn, [member_id])[member_id]
        assert [(line.slot, line.kind is LineKind.WEALTH) for line in lines] == [
            (slot, model.is_wealth(member_id, slot)) for slot in sorted(model.children[member_id])]


def test_registrations_during_a_rotation_stay_sound(store):
    """Registrations racing the run: no member is rotated twice, everyone full before the
    run is rotated, and the run's count is the number of members rotated."""
    first, second = Refnet.start(store), Refnet.start(store)
    grow(first, 40)
    full_before = full(first)
    for engine in (first, second):
        set_week(engine, W48)
    done = threading.Event()

    def register_more() -> None:
        index = 0
        while not done.is_set() or index < 30:
            members.register(second, "N", sponsor_id=f"m{index % 12}", member_id=f"n{index}")
            index += 1

    thread = threading.Thread(target=register_more)
    thread.start()
    try:
        run = rotation.rotate(first, W48)
    finally:
        done.set()
        thread.join()
    after = state(first)
    rotated = {m for m, (r, _) in after.items() if r == 1}
    assert all(r in (0, 1) for r, _ in after.values())
    assert full_before <= rotated
    assert all(after[m][1] == 3 for m in rotated)
    assert run.rotated == len(rotated)
    from tests.support.trees import assert_sound_tree

    assert_sound_tree(first, set(after))
