"""Group commit (issue 18): concurrent single writes booked together by one writer book exactly
what booking them one by one in queue order books — outcomes, entries, counters, placements,
statuses, quota, burns, points — and a bad one fails alone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.plan import load_plan
from graph.group_commit import GroupCommit
from graph.ledger import orders
from graph.ledger.order_batch import OrderItem
from graph.network import members
from graph.network.batch import RegisterItem
from graph.service import Refnet
from tests.support.db import graph_numbers
from tests.support.graph_dump import graph_dump
from tests.support.placement_model import PLACEMENTS, assert_placed_in_seq_order
from tests.support.writers import one_by_one, send_concurrently

NOW = 1_795_000_000_000
PRICES = (Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00"))


def engine(falkor: Any) -> Refnet:
    rn = Refnet.start(falkor.with_graph(f"test_{next(graph_numbers)}"), load_plan("linkage-3plus1"))
    rn.clock = lambda: NOW
    members.register(rn, "Root", member_id="root")
    return rn


def code(outcome: Any) -> str | None:
    return outcome.error.code if outcome.error is not None else None


def writes_of(ops: list[tuple[bool, int, int]]) -> list[tuple[str, Any]]:
    """Registrations under members registered earlier (or unknown ones) and orders by them."""
    writes: list[tuple[str, Any]] = []
    ids = ["root"]
    for index, (register, pick, price) in enumerate(ops):
        if register:
            sponsor = ids[pick % len(ids)] if pick % 11 else "ghost"
            writes.append(("register", RegisterItem(f"M{index}", f"m{index}", sponsor)))
            ids.append(f"m{index}")
        else:
            buyer = ids[pick % len(ids)] if pick % 13 else "ghost"
            order_id = f"o{index}" if pick % 17 else "o0"  # some repeat or clash with the first order's id
            writes.append(("order", OrderItem(order_id, buyer, PRICES[price % 3])))
    return writes


ops_strategy = st.lists(st.tuples(st.booleans(), st.integers(0, 500), st.integers(0, 2)), min_size=1, max_size=50)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops_strategy, clients=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_concurrent_writes_book_what_queue_order_books(falkor, ops, clients, seed):
    """Clients (threads) each send their share of the writes one at a time, waiting for each
    answer, as HTTP clients do; whatever order the queue took them in, the graph and every
    outcome equal booking them one by one in that order, and placements follow the model."""
    grouped, sequential = engine(falkor), engine(falkor)
    writer = GroupCommit(grouped).start()
    queued = send_concurrently(writer, writes_of(ops), clients, seed)
    writer.stop()
    codes = one_by_one(sequential, [write for write, _ in queued])
    assert [code(future.result()) for _, future in queued] == codes
    assert graph_dump(grouped.store) == graph_dump(sequential.store)
    assert_placed_in_seq_order(grouped.store.run_text(PLACEMENTS))


def test_queued_writes_are_booked_one_batch_per_run_of_a_kind(falkor):
    """Writes that queued while the writer was busy are booked together: consecutive writes of
    one kind as one batch; a bad one fails alone."""
    grouped, sequential = engine(falkor), engine(falkor)
    writes: list[tuple[str, Any]] = [("register", RegisterItem(f"M{i}", f"m{i}", "root")) for i in range(5)]
    writes += [("order", OrderItem(f"o{i}", f"m{i % 5}", PRICES[i % 3])) for i in range(8)]
    writes += [("order", OrderItem("bad", "ghost", PRICES[0])), ("register", RegisterItem("X", "x", "m1"))]
    writer = GroupCommit(grouped)
    futures = [writer.submit(kind, item) for kind, item in writes]  # queued before the writer starts
    writer.start().stop()
    assert writer.batches == 3
    codes = [code(future.result()) for future in futures]
    assert codes == one_by_one(sequential, writes) and codes.count("NOT_FOUND") == 1
    assert graph_dump(grouped.store) == graph_dump(sequential.store)


def test_a_lone_write_is_booked_without_waiting_for_others(rn):
    writer = GroupCommit(rn).start()
    try:
        outcome = writer.submit("register", RegisterItem("Root", "root")).result(timeout=60)
        assert outcome.member.id == "root" and members.get_member(rn, "root") is not None
    finally:
        writer.stop()


def test_a_failing_batch_is_every_request_s_error_and_books_nothing(rn, monkeypatch):
    writer = GroupCommit(rn)
    futures = [writer.submit("register", RegisterItem(f"M{i}", f"m{i}")) for i in range(3)]

    def broken(*args: Any) -> Any:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(rn.store, "run", broken)
    writer.start().stop()
    monkeypatch.undo()
    for future in futures:
        assert isinstance(future.exception(), ConnectionError)
    assert rn.store.run_text("MATCH (m:Member) RETURN count(m) AS n")[0]["n"] == 0


def test_the_api_books_single_writes_through_the_writer(rn, monkeypatch):
    from starlette.testclient import TestClient

    from api.app import create_app
    from tests.conftest import GraphQLClient

    with TestClient(create_app(lambda: rn, jobs=[])) as http:
        gql = GraphQLClient(http)
        gql.ok('mutation { registerMember(input: {id: "S", name: "Sam"}) { id } }')
        gql.ok('mutation { recordOrder(input: {id: "o1", buyerId: "S", amount: "1000.00"}) { id } }')
        error = gql.error('mutation { recordOrder(input: {id: "o2", buyerId: "ghost", amount: "1000.00"}) { id } }')
        assert error["extensions"]["code"] == "NOT_FOUND" and "ghost" in error["message"]
        assert http.app.state.writer.batches == 3
    assert orders.get_order(rn, "o1") is not None
