"""The in-process working set (issue 18): batches computed from it book exactly what booking one
by one books, with no read round trip; after another writer moved the graph, it is
re-synchronised and nothing is booked twice, placements never collide, counters stay exact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import working_set
from graph.core.plan import load_plan
from graph.ledger import orders
from graph.ledger.order_batch import OrderItem, record_many
from graph.network import members
from graph.network.batch import RegisterItem, register_many
from graph.service import Refnet
from graph.working_set import Member, WorkingSet
from tests.support.db import counting, graph_numbers
from tests.support.graph_dump import graph_dump
from tests.support.placement_model import PLACEMENTS, assert_placed_in_seq_order
from tests.support.writers import one_by_one

NOW = 1_795_000_000_000  # 2026-11-18
PRICES = (Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00"))


def engine(falkor: Any, graph: str | None = None) -> Refnet:
    rn = Refnet.start(falkor.with_graph(graph or f"test_{next(graph_numbers)}"), load_plan("linkage-3plus1"))
    rn.clock = lambda: NOW
    return rn


def seeded(falkor: Any) -> Refnet:
    rn = engine(falkor)
    members.register(rn, "Root", member_id="root")
    return rn


def in_batches(rn: Refnet, writes: list[tuple[str, Any]], cuts: list[int]) -> list[str | None]:
    """`writes` booked as batches of one kind, cut where the kind changes and at `cuts`."""
    codes: list[str | None] = []
    start = 0
    while start < len(writes):
        kind = writes[start][0]
        end = start + 1
        while end < len(writes) and writes[end][0] == kind and end not in cuts:
            end += 1
        items = [item for _, item in writes[start:end]]
        outcomes: list[Any] = register_many(rn, items) if kind == "register" else record_many(rn, items)
        codes += [outcome.error.code if outcome.error is not None else None for outcome in outcomes]
        start = end
    return codes


def writes_of(ops: list[tuple[int, int, int]]) -> list[tuple[str, Any]]:
    """Registrations (some under unknown sponsors, some repeating an id or a slug) and orders
    (some by unknown buyers, repeating or clashing with an earlier order, unknown referrers)."""
    writes: list[tuple[str, Any]] = []
    ids = ["root"]
    for index, (what, pick, price) in enumerate(ops):
        if what % 3 == 0:
            sponsor = ids[pick % len(ids)] if pick % 11 else "ghost"
            member_id = f"m{index}" if pick % 13 else ids[-1]
            slug = f"page-{pick % 7}" if pick % 5 == 0 else None
            writes.append(("register", RegisterItem(f"M{index}", member_id, sponsor, landing_slug=slug)))
            ids.append(member_id)
        else:
            buyer = ids[pick % len(ids)] if pick % 17 else "ghost"
            order_id = f"o{index}" if pick % 19 else "o1"  # some repeat or clash with an early order's id
            referrer = ids[(pick * 3) % len(ids)] if pick % 4 == 0 else ("nobody" if pick % 23 == 0 else None)
            writes.append(("order", OrderItem(order_id, buyer, PRICES[price % 3], referrer)))
    return writes


def member_state(ws: WorkingSet) -> dict[str, tuple]:
    return {member_id: tuple(getattr(member, name) for name in Member.__slots__)
            for member_id, member in ws.members.items()}


def assert_same_as_loaded(rn: Refnet) -> None:
    """The set the writer kept by folding equals one read from the graph now."""
    kept = rn.working_set
    fresh = WorkingSet(kept.reads)
    fresh.load(rn.store)
    assert fresh.version == kept.version
    assert member_state(fresh) == member_state(kept)
    assert (fresh.slugs, fresh.runs, fresh.started) == (kept.slugs, kept.runs, kept.started)
    assert fresh.market == kept.market and fresh.holdings == kept.holdings


def twins(falkor: Any, writes: list[tuple[str, Any]]) -> tuple[Refnet, Refnet]:
    """An engine that books `writes` in batches from its working set, and its twin that books
    them one by one; both booked alike."""
    warm, sequential = seeded(falkor), seeded(falkor)
    working_set.enable(warm)
    assert in_batches(warm, writes, []) == one_by_one(sequential, writes)
    return warm, sequential


def assert_kept_then_alike(warm: Refnet, sequential: Refnet, more: list[tuple[str, Any]], statement: str) -> None:
    """What both twins booked since folded into the set (never dropped: it equals the graph read
    afresh), and `more`, still computed from the set in `statement` alone, books what one by one
    booking books."""
    assert warm.working_set.drops == 0 and warm.working_set.ready
    assert_same_as_loaded(warm)
    names = counting(warm)
    assert in_batches(warm, more, []) == one_by_one(sequential, more)
    assert names == [statement]
    assert graph_dump(warm.store) == graph_dump(sequential.store)


def twelve_members() -> list[tuple[str, Any]]:
    return [("register", RegisterItem(f"M{i}", f"m{i}", "root" if i < 3 else f"m{i // 3 - 1}")) for i in range(12)]


def orders_of_twelve(prefix: str, count: int, step: int) -> list[tuple[str, Any]]:
    return [("order", OrderItem(f"{prefix}{i}", f"m{(i * step) % 12}", PRICES[i % 3])) for i in range(count)]


ops_strategy = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 500), st.integers(0, 2)), min_size=1, max_size=60)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops_strategy, cuts=st.lists(st.integers(1, 60), max_size=6))
def test_batches_from_a_warm_working_set_book_what_one_by_one_books(falkor, ops, cuts):
    """Entries, counters, placements, statuses, quota, burns, points, holdings and the version
    agree with booking one by one; every outcome too; the set the writer kept by folding its own
    writes equals the graph read afresh; and it never had to be dropped."""
    writes = writes_of(ops)
    warm, sequential = seeded(falkor), seeded(falkor)
    working_set.enable(warm)
    codes = in_batches(warm, writes, cuts)
    assert codes == one_by_one(sequential, writes)
    assert graph_dump(warm.store) == graph_dump(sequential.store)
    assert warm.working_set.drops == 0 and warm.working_set.loads == 1
    assert_same_as_loaded(warm)
    assert_placed_in_seq_order(warm.store.run_text(PLACEMENTS))


def test_a_warm_batch_reads_nothing(falkor):
    """With the set loaded, a batch of registrations and one of orders is each one statement:
    the write, no read."""
    rn = seeded(falkor)
    register_many(rn, [RegisterItem(f"M{i}", f"m{i}", "root" if i < 3 else f"m{i // 3 - 1}") for i in range(30)])
    working_set.enable(rn)
    names = counting(rn)
    outcomes = register_many(rn, [RegisterItem(f"N{i}", f"n{i}", f"m{i}") for i in range(20)])
    assert all(outcome.error is None for outcome in outcomes)
    assert names == ["members_register_batch"]
    names.clear()
    booked = record_many(rn, [OrderItem(f"o{i}", f"n{i % 20}" if i % 2 else f"m{i}", PRICES[i % 3]) for i in range(25)])
    assert all(outcome.error is None for outcome in booked)
    assert names == ["orders_record_batch"]
    names.clear()
    record_many(rn, [OrderItem("o1", "n1", PRICES[1])])  # a repeat: the write refuses the id, the graph says why
    assert names[0] == "orders_record_batch" and "orders_context_batch" in names
    assert rn.working_set.drops == 0
    assert_same_as_loaded(rn)


@pytest.mark.parametrize("pause", [0.0, 3600.0])
def test_another_writer_on_the_graph_makes_it_resynchronise(falkor, monkeypatch, pause):
    """Two engines on one graph, each with its own guard as two processes have (the other one
    books one by one and in batches, with or without a set of its own): after every write of the
    other, the first one's next batch finds the graph moved, is computed again from the graph
    (the set reloaded beside the writer at once, or after a pause), and the graph holds exactly what booking all
    writes one by one in the same order holds — no member or order twice, no two members in one
    slot, exact counters."""
    monkeypatch.setattr(working_set, "RELOAD_PAUSE", pause)
    name = f"test_{next(graph_numbers)}"
    first, other = engine(falkor, name), engine(falkor, name)
    sequential = engine(falkor)
    members.register(first, "Root", member_id="root")
    working_set.enable(first)
    working_set.enable(other)
    booked: list[tuple[str, Any]] = [("register", RegisterItem("Root", "root"))]
    codes: list[str | None] = [None]
    writes = writes_of([(what, pick, price) for what, pick, price in
                        zip([0, 0, 1, 0, 2, 1, 0, 1, 1, 0, 2, 0, 1, 1, 0, 1] * 6, range(7, 700, 7), range(96),
                            strict=False)])
    for round_, start in enumerate(range(0, len(writes), 8)):
        part = writes[start:start + 8]
        mine, theirs = part[:5], part[5:]
        codes += in_batches(first, mine, [])
        booked += mine
        if round_ % 2:
            codes += in_batches(other, theirs, [])
        else:
            codes += one_by_one(other, theirs)
        booked += theirs
    codes += in_batches(first, [("order", OrderItem("last", "root", PRICES[0]))], [])  # after the other's last write
    booked.append(("order", OrderItem("last", "root", PRICES[0])))
    assert codes == one_by_one(sequential, booked)
    assert graph_dump(first.store) == graph_dump(sequential.store)
    assert first.working_set.drops > 0
    if pause == 0.0:  # reloaded beside the writer (or by it, after reloads the graph moved under)
        for _ in range(working_set.BESIDE_TRIES + 2):
            first.working_set.settle()
            if first.guard(lambda: working_set.warm(first)) is not None:
                break
        assert first.working_set.loads > 1
        assert first.working_set.ready
        assert_same_as_loaded(first)
    else:
        assert first.working_set.loads == 1 and not first.working_set.ready
    slots = first.store.run_text("MATCH (c:Member)-[l:PLACED_UNDER]->(p:Member) "
                                 "RETURN p.id AS parent, l.slot AS slot, count(c) AS children")
    assert all(row["children"] == 1 for row in slots)
    ids = first.store.run_text("MATCH (o:Order) RETURN o.id AS id, count(*) AS n")
    assert all(row["n"] == 1 for row in ids)


def test_a_refund_folds_into_the_set(falkor):
    """A refund booked by the same engine moves the set with it (its member counters, the points
    pool and holdings): no drop, the set equals the graph read afresh, and the next batch, still
    read from the set, books what one by one booking books."""
    from graph.ledger.refunds import refund_order

    warm, sequential = twins(falkor, twelve_members() + orders_of_twelve("o", 20, 1))
    for rn in (warm, sequential):
        refund_order(rn, "o4", Decimal("1000.00"), "changed mind", refund_id="r1")
        refund_order(rn, "o7", Decimal("5000.00"), "broken", refund_id="r2")
    assert_kept_then_alike(warm, sequential, orders_of_twelve("p", 15, 5), "orders_record_batch")


def test_a_fold_that_fails_drops_the_set_not_the_booked_write(falkor, monkeypatch):
    """The write is booked before the fold: a fold that fails loses the copy, not the request."""
    rn = seeded(falkor)
    working_set.enable(rn)

    def broken(ws: WorkingSet, pending: Any) -> None:
        raise RuntimeError("broken fold")

    monkeypatch.setattr(working_set, "FOLDS", [*working_set.FOLDS, broken])
    outcomes = record_many(rn, [OrderItem("o1", "root", PRICES[0])])
    assert outcomes[0].error is None and orders.get_order(rn, "o1") is not None
    assert not rn.working_set.ready and rn.working_set.drops == 1


def test_a_reload_the_graph_moved_under_is_not_installed(falkor, monkeypatch):
    """A copy loaded beside the writer is taken over only at the version it was read at; after
    `BESIDE_TRIES` such misses the writer loads the set itself."""
    monkeypatch.setattr(working_set, "RELOAD_PAUSE", 0.0)
    rn = seeded(falkor)
    ws = working_set.enable(rn, load=False)
    stale = WorkingSet(ws.reads)
    stale.load(rn.store)
    members.register(rn, "A", sponsor_id="root", member_id="a")  # the graph moves after that copy was read
    assert not rn.guard(lambda: ws.install(stale, rn.store)) and not ws.ready
    ws.misses = working_set.BESIDE_TRIES
    assert rn.guard(lambda: working_set.warm(rn)) is ws and ws.misses == 0
    assert "a" in ws.members
    assert_same_as_loaded(rn)


def test_a_rotation_folds_into_the_set(falkor):
    """A rotation run of the same engine moves the set with it (one more run: every full member's
    offset grows): no drop, the set equals the graph read afresh, and the registrations after
    it, still placed from the set, land where one by one booking puts them."""
    from graph.network import rotation

    warm, sequential = twins(falkor, [("register", RegisterItem(f"M{i}", f"m{i}", "root" if i < 4 else f"m{i % 4}"))
                                      for i in range(16)])
    week = rotation.week_name(rotation.week_of(NOW))
    for rn in (warm, sequential):
        assert rotation.rotate(rn, week).rotated > 0
    assert warm.working_set.runs == 1
    more: list[tuple[str, Any]] = [("register", RegisterItem(f"N{i}", f"n{i}", ["root", "m0", "m1"][i % 3]))
                                   for i in range(12)]
    assert_kept_then_alike(warm, sequential, more, "members_register_batch")
    assert_same_as_loaded(warm)


def test_a_withdrawal_folds_into_the_set(falkor):
    """A withdrawal booked by the same engine (its frozen part, the fund's release) moves the
    set with it: no drop, the set equals the graph read afresh, and the orders after it, still
    computed from the set, book what one by one booking books."""
    from graph.plans.linkage.withdrawals_store import withdraw

    warm, sequential = twins(falkor, twelve_members() + orders_of_twelve("o", 24, 7))
    earners = [row["id"] for row in warm.store.run_text(
        "MATCH (m:Member) WHERE m.paid >= 2000 RETURN m.id AS id ORDER BY m.id")][:3]
    assert earners
    for rn in (warm, sequential):
        for member_id in earners:
            withdraw(rn, member_id, Decimal("20.00"))
    assert any(member.frozen for member in warm.working_set.members.values())
    assert_kept_then_alike(warm, sequential, orders_of_twelve("p", 15, 5), "orders_record_batch")


def test_a_points_sale_folds_into_the_set(falkor):
    """A points sale booked by the same engine (the seller's holdings, the market, any forced
    exits) moves the set with it: no drop, the set equals the graph read afresh, and the orders
    after it, still computed from the set, book what one by one booking books."""
    from graph.plans.linkage.points_store import sell_points

    warm, sequential = twins(falkor, twelve_members() + orders_of_twelve("o", 24, 7))
    sellers = sorted({row["member_id"] for row in warm.working_set.holdings.values()})[:3]
    assert sellers
    for rn in (warm, sequential):
        for member_id in sellers:
            sell_points(rn, member_id, Decimal("10"))
    assert_kept_then_alike(warm, sequential, orders_of_twelve("p", 15, 5), "orders_record_batch")
