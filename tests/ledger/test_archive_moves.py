"""The move of a closed month to the archive, killed at every step (issue 19): a read in
between answers as before, the re-run finishes, and every entry ends with exactly one copy —
in the archive, none in the graph. Random histories of orders, refunds, closes and (killed)
moves conserve every order's money over hot and archived entries together."""

from __future__ import annotations

import contextlib
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graph.core.errors import BadInput, Conflict
from graph.core.money import from_cents
from graph.core.plan import load_plan
from graph.ledger import archive, history, orders, period_close, refunds
from graph.ledger import entries as ledger
from graph.network import members
from graph.plans.linkage import close as linkage_close
from graph.service import Refnet
from tests.support.archive import (
    Killed,
    all_ids,
    hot_entries,
    hot_orders,
    hot_ranks,
    hot_refunds,
    kill_at,
    october,
    reads,
)
from tests.support.refunds import ms

MONTHS = ["2026-10", "2026-11"]


def all_orders(rn: Refnet) -> list[str]:
    """Every order and refund id as reads see them, with repeats if one had two copies: the graph's
    (except those marked for a period recorded but still being removed) and the recorded files'."""
    h = history.history(rn)
    hot = [row["id"] for row in rn.store.run_text(
        "MATCH (o) WHERE (o:Order OR o:Refund) AND NOT coalesce(o.archive, '') IN $removing RETURN o.id AS id",
        {"removing": h.removing})]
    files = h.order_files + h.refund_files
    cold = [row[0] for row in history.connection().execute("SELECT id FROM read_parquet(?)", [files]).fetchall()] \
        if files else []
    return hot + cold


def closed_october(rn: Refnet, tmp_path: Path) -> tuple[list[str], dict, list[str]]:
    order_ids = october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    before = reads(rn, order_ids, MONTHS)
    ids = sorted(all_ids(rn))
    rn.archive = tmp_path / "archive"
    return order_ids, before, ids


@pytest.mark.parametrize("where", [("files", 1), ("record", 1), ("remove", 1), ("remove", 2), ("done", 1)])
def test_a_move_killed_at_any_step_is_finished_by_its_rerun(rn, tmp_path, monkeypatch, where):
    monkeypatch.setattr(archive, "REMOVE_BATCH", 7)  # several removal batches: a kill between two of them
    order_ids, before, ids = closed_october(rn, tmp_path)
    with pytest.raises(Killed):
        archive.archive_period(rn, "2026-10", kill_at(*where))
    assert reads(rn, order_ids, MONTHS) == before  # a read in between sees one ledger
    result = archive.archive_period(rn, "2026-10")
    assert result.rows == sum(1 for row in before["ledger"] if row.period == "2026-10")
    assert sorted(all_ids(rn)) == ids  # exactly one copy of every entry
    assert hot_entries(rn, "2026-10") == 0 and hot_ranks(rn, "2026-10") == 0
    assert reads(rn, order_ids, MONTHS) == before


def test_a_move_killed_at_every_removal_batch_ends_with_one_copy_of_every_order_and_refund(rn, tmp_path,
                                                                                        monkeypatch):
    monkeypatch.setattr(archive, "REMOVE_BATCH", 2)  # orders and refunds removed over several batches too
    order_ids, before, ids = closed_october(rn, tmp_path)
    orders_before = sorted(all_orders(rn))
    assert len(orders_before) == len(order_ids) + 1  # five orders and a refund
    kills = 0
    while True:
        kills += 1
        try:
            archive.archive_period(rn, "2026-10", kill_at("remove", kills))
        except Killed:
            assert sorted(all_orders(rn)) == orders_before and sorted(all_ids(rn)) == ids
            assert reads(rn, order_ids, MONTHS) == before
            continue
        break
    assert kills > 5  # the run that was not killed had nothing left to remove
    assert hot_orders(rn, order_ids) == [] and hot_refunds(rn) == []
    assert sorted(all_orders(rn)) == orders_before and sorted(all_ids(rn)) == ids
    assert reads(rn, order_ids, MONTHS) == before


def test_files_left_by_a_killed_write_are_written_again(rn, tmp_path):
    order_ids, before, ids = closed_october(rn, tmp_path)
    folder = rn.archive / "2026-10"
    folder.mkdir(parents=True)
    (folder / "entries.parquet.partial").write_bytes(b"half a file")
    (folder / "entries.parquet").write_bytes(b"PAR1 not a whole file")  # renamed, never recorded
    assert reads(rn, order_ids, MONTHS) == before  # an unrecorded file is never read
    archive.archive_period(rn, "2026-10")
    assert sorted(all_ids(rn)) == ids and reads(rn, order_ids, MONTHS) == before


def test_a_recorded_file_that_changed_stops_the_move_before_anything_is_removed(rn, tmp_path):
    order_ids, before, ids = closed_october(rn, tmp_path)
    with pytest.raises(Killed):
        archive.archive_period(rn, "2026-10", kill_at("record"))
    path = rn.archive / "2026-10" / "entries.parquet"
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(Conflict, match="checksum"):
        archive.archive_period(rn, "2026-10")
    assert hot_entries(rn, "2026-10") == sum(1 for row in before["ledger"] if row.period == "2026-10")
    assert sorted(row["id"] for row in rn.store.run_text("MATCH (e:Entry) RETURN e.id AS id")) == ids


_graphs = itertools.count()
PLAN = load_plan("linkage-3plus1")
PRICES = [100000, 500000, 1000000]
YEAR = [f"2026-{month:02d}" for month in range(1, 13)]
steps = st.lists(st.one_of(
    st.tuples(st.just("buy"), st.integers(0, 1000), st.sampled_from([0, 0, 1, 2])),
    st.tuples(st.just("refund"), st.integers(0, 1000), st.integers(1, 1000)),
    st.tuples(st.just("close"), st.just(0), st.just(0)),
    st.tuples(st.just("archive"), st.integers(0, 4), st.integers(1, 3)),
), min_size=4, max_size=20)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=steps)
def test_every_order_conserves_its_money_over_hot_and_archived_entries(falkor, tmp_path_factory, stream):
    rn = Refnet.start(falkor.with_graph(f"archive_{next(_graphs)}"), PLAN, archive=tmp_path_factory.mktemp("a"))
    month = [0]
    rn.clock = lambda: ms(f"{YEAR[month[0]]}-15T12:00:00") + len(amounts)
    amounts: dict[str, int] = {}
    refunded: dict[str, int] = defaultdict(int)
    refund_ids: list[str] = []
    ids = ["root"] + [f"m{n}" for n in range(6)]
    members.register(rn, "root", member_id="root")
    for number, member_id in enumerate(ids[1:]):
        members.register(rn, member_id, sponsor_id=ids[number // 2], member_id=member_id)
    for number, (kind, pick, value) in enumerate(stream):
        if kind == "close":
            linkage_close.close_period(rn, YEAR[month[0]])  # the plan's close: no move by itself
            month[0] += 1
        elif kind == "archive":  # a move, killed at some step (pick) or not; the next one finishes it
            step = ["files", "record", "remove", "done", "never"][pick]
            with contextlib.suppress(Killed):
                archive.archive_closed(rn, kill_at(step, value))
        elif kind == "buy":
            order_id = f"o{number}"
            orders.record_order(rn, order_id, ids[pick % len(ids)], from_cents(PRICES[value]))
            amounts[order_id] = PRICES[value]
        elif amounts:
            order_id = sorted(amounts)[pick % len(amounts)]
            left = amounts[order_id] - refunded[order_id]
            if left:
                cents = left if value > 900 else max(1, left * value // 1000)
                refunds.refund_order(rn, order_id, from_cents(cents), "property", f"r{number}")
                refunded[order_id] += cents
                refund_ids.append(f"r{number}")
    every = all_ids(rn)
    event(f"{len(history.recorded(rn))} periods archived before the end")
    if any(row["removed"] for row in history.recorded(rn)) and refunded:
        event("refunds with archived history")
    assert len(every) == len(set(every))  # never two copies of an entry
    kept = all_orders(rn)
    assert sorted(kept) == sorted([*amounts, *refund_ids])  # one copy of every order and refund
    for order_id, entries in ledger.entries_of_orders(rn, sorted(amounts)).items():
        assert sum(int(e.amount * 100) for e in entries) == amounts[order_id] - refunded[order_id], order_id
    for order_id, record in orders.get_orders(rn, sorted(amounts)).items():
        assert int(record.refunded * 100) == refunded[order_id], order_id
    assert sorted(orders.get_orders(rn, sorted(amounts))) == sorted(amounts)
    archive.archive_closed(rn)
    assert sorted(all_ids(rn)) == sorted(every) and sorted(all_orders(rn)) == sorted(kept)
    for row in history.recorded(rn):
        assert row["removed"] and hot_entries(rn, row["period"]) == 0
    rn.store.run_text("MATCH (n) DETACH DELETE n")


@pytest.mark.parametrize("query", ["ledger_all", "payouts_entries", "entries_by_orders", "statement_entries",
                                   "rank_months_of_members", "orders_by_ids", "refunds_by_orders", "payout_sales"])
def test_a_read_overtaken_by_a_move_reads_again(rn, tmp_path, monkeypatch, query):
    """The move is recorded and removes the month between a read's look at the archive and its
    hot query: the read notices and reads again, so it still sees every entry once."""
    order_ids, before, _ = closed_october(rn, tmp_path)
    real = rn.store.run
    moved: list[archive.ArchiveResult] = []

    def run(name, params=None):
        if name == query and not moved:
            moved.append(archive.archive_period(rn, "2026-10"))
        return real(name, params)

    monkeypatch.setattr(rn.store, "run", run)
    assert reads(rn, order_ids, MONTHS) == before
    assert moved and moved[0].removed > 0


def test_a_refund_during_the_removal_counts_once(rn, tmp_path, monkeypatch):
    """October is recorded and half removed when a refund of one of its orders (still a node,
    or already gone) lands: what was refunded of each order is the same on every side."""
    monkeypatch.setattr(archive, "REMOVE_BATCH", 2)
    order_ids, _, _ = closed_october(rn, tmp_path)

    def orders_half_removed(name: str) -> None:
        if name == "remove" and 0 < len(hot_orders(rn, order_ids)) < len(order_ids):
            raise Killed(name)

    with pytest.raises(Killed):
        archive.archive_period(rn, "2026-10", orders_half_removed)
    assert 0 < len(hot_orders(rn, order_ids)) < len(order_ids)
    assert hot_orders(rn, ["o1", "o2"]) == [] and hot_orders(rn, ["o3", "o4"]) == ["o3", "o4"]
    refunds.refund_order(rn, "o2", from_cents(10_000), "part returned", "r7")  # gone from the graph already
    refunds.refund_order(rn, "o3", from_cents(10_000), "more returned", "r8")  # o3 already had r1: 250.00
    refunds.refund_order(rn, "o4", from_cents(50_000), "part returned", "r9")
    expected = {"o2": from_cents(10_000), "o3": from_cents(35_000), "o4": from_cents(50_000)}
    assert {o: orders.get_order(rn, o).refunded for o in expected} == expected
    archive.archive_period(rn, "2026-10")
    assert hot_orders(rn, order_ids) == [] and hot_refunds(rn) == ["r7", "r8", "r9"]  # November's refunds stay
    assert {o: orders.get_order(rn, o).refunded for o in expected} == expected
    with pytest.raises(BadInput, match="more than what is left"):
        refunds.refund_order(rn, "o3", from_cents(65_001), "too much", "r10")
    assert sorted(all_orders(rn)) == sorted([*order_ids, "r1", "r7", "r8", "r9"])


def test_a_move_after_the_graph_grew_leaves_no_label_without_its_node(rn, tmp_path):
    """FalkorDB 4.16 deletes a node without taking it out of its label's matrix when the graph
    grew past that matrix since the label was last read (its issue 2103): a label scan then
    fails with 'Attempted to access undefined attribute'. Every removal reads its label first."""
    order_ids, before, _ = closed_october(rn, tmp_path)
    rn.store.run_text("UNWIND range(1, 40000) AS i CREATE (:Scratch {i: i})")  # past the matrices' size
    archive.archive_period(rn, "2026-10")
    for label in ("Order", "Refund", "Entry", "RankMonth"):
        rows = rn.store.run_text(f"MATCH (n:{label}) RETURN n.id AS id, labels(n) AS labels")
        assert all(row["labels"] == [label] for row in rows), label
    assert hot_orders(rn, order_ids) == [] and reads(rn, order_ids, MONTHS) == before
    rn.store.run_text("MATCH (n:Scratch) DELETE n")
