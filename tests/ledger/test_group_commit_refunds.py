"""Group commit for refunds and activity (issue 18): queued through the engine's one writer
with the registrations and orders around them, each answered with its own outcome, in queue
order; concurrent refunds and orders book exactly what booking them one by one in queue order
books, and a bad one fails alone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.errors import DomainError
from graph.core.plan import load_plan
from graph.group_commit import GroupCommit, WriteKind
from graph.ledger import orders, refunds
from graph.ledger.order_batch import OrderItem
from graph.ledger.refunds import RefundItem
from graph.network import members
from graph.plans.family import activity, families
from graph.plans.family.activity import ActivityEvent, ActivityItem
from graph.service import Refnet
from tests.support.db import graph_numbers
from tests.support.family import NOW as FAMILY_NOW
from tests.support.family import WEEK_START
from tests.support.graph_dump import graph_dump
from tests.support.writers import send_concurrently

NOW = 1_795_000_000_000
PRICES = (Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00"))


def engine(falkor: Any) -> Refnet:
    rn = Refnet.start(falkor.with_graph(f"test_{next(graph_numbers)}"), load_plan("linkage-3plus1"))
    rn.clock = lambda: NOW
    members.register(rn, "Root", member_id="root")
    for index in range(4):
        members.register(rn, f"M{index}", sponsor_id="root" if index < 2 else "m0", member_id=f"m{index}")
    return rn


def one_by_one(rn: Refnet, writes: list[tuple[str, Any]]) -> list[str | None]:
    codes: list[str | None] = []
    for kind, item in writes:
        try:
            if kind == "order":
                orders.record_order(rn, item.order_id, item.buyer_id, item.amount)
            else:
                refunds.refund_order(rn, item.order_id, item.amount, item.reason, item.refund_id)
            codes.append(None)
        except DomainError as error:
            codes.append(error.code)
    return codes


def code(outcome: Any) -> str | None:
    return outcome.error.code if outcome.error is not None else None


def writes_of(ops: list[tuple[bool, int, int]]) -> list[tuple[str, Any]]:
    """Orders by the members, and refunds of orders queued before them (or of unknown ones),
    of a part, the whole or more than the order's amount."""
    writes: list[tuple[str, Any]] = []
    ordered: list[tuple[str, Decimal]] = []
    for index, (order, pick, size) in enumerate(ops):
        if order or not ordered:
            price = PRICES[size % 3]
            writes.append(("order", OrderItem(f"o{index}", f"m{pick % 4}", price)))
            ordered.append((f"o{index}", price))
        else:
            order_id, price = ordered[pick % len(ordered)] if pick % 7 else ("ghost", PRICES[0])
            amount = (price / 4, price, price * 2)[size % 3]
            writes.append(("refund", RefundItem(order_id, amount, "returned", f"r{index}")))
    return writes


ops_strategy = st.lists(st.tuples(st.booleans(), st.integers(0, 500), st.integers(0, 2)), min_size=1, max_size=30)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops_strategy, clients=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_concurrent_refunds_and_orders_book_what_queue_order_books(falkor, ops, clients, seed):
    grouped, sequential = engine(falkor), engine(falkor)
    writer = GroupCommit(grouped).start()
    queued = send_concurrently(writer, writes_of(ops), clients, seed)
    writer.stop()
    codes = one_by_one(sequential, [write for write, _ in queued])
    assert [code(future.result()) for _, future in queued] == codes
    assert graph_dump(grouped.store) == graph_dump(sequential.store)


def test_queued_refunds_keep_queue_order_and_a_bad_one_fails_alone(falkor):
    """Queued before the writer starts: the order, then its refunds in order; the one that asks
    for more than what is left fails alone (BAD_INPUT or CONFLICT), the others are booked."""
    grouped, sequential = engine(falkor), engine(falkor)
    writes: list[tuple[str, Any]] = [
        ("order", OrderItem("o1", "m1", PRICES[1])),
        ("refund", RefundItem("o1", Decimal("1000.00"), "part", "r1")),
        ("refund", RefundItem("o1", Decimal("4500.00"), "too much", "r2")),
        ("refund", RefundItem("o1", Decimal("4000.00"), "the rest", "r3")),
        ("refund", RefundItem("ghost", Decimal("1.00"), "unknown", "r4")),
        ("order", OrderItem("o2", "m2", PRICES[0])),
    ]
    writer = GroupCommit(grouped)
    futures = [writer.submit(kind, item) for kind, item in writes]
    writer.start().stop()
    codes = [code(future.result()) for future in futures]
    assert codes == one_by_one(sequential, writes)
    assert codes[1] is None and codes[2] is not None and codes[3] is None and codes[4] == "NOT_FOUND"
    assert futures[3].result().refund.amount == Decimal("4000.00")
    assert graph_dump(grouped.store) == graph_dump(sequential.store)


def test_a_lone_refund_takes_the_single_path(rn):
    """A refund that queued alone is booked by `refund_alone`; two that queued together go to
    the kind's batch function, in queue order."""
    members.register(rn, "Root", member_id="root")
    orders.record_order(rn, "o1", "root", PRICES[1])
    calls: list[tuple[str, list[str | None]]] = []

    def alone(engine: Refnet, item: RefundItem) -> Any:
        calls.append(("alone", [item.refund_id]))
        return refunds.refund_alone(engine, item)

    def queued(engine: Refnet, items: list[RefundItem]) -> Any:
        calls.append(("batch", [item.refund_id for item in items]))
        return refunds.refund_queued(engine, items)

    writer = GroupCommit(rn, kinds={"refund": WriteKind(queued, refunds.MAX_QUEUED, alone)}).start()
    try:
        outcome = writer.submit("refund", RefundItem("o1", PRICES[0], "returned", "r1")).result(timeout=60)
    finally:
        writer.stop()
    assert outcome.error is None and outcome.refund.amount == PRICES[0]
    writer = GroupCommit(rn, kinds={"refund": WriteKind(queued, refunds.MAX_QUEUED, alone)})
    futures = [writer.submit("refund", RefundItem("o1", PRICES[0], "returned", f"r{n}")) for n in (2, 3)]
    writer.start().stop()
    assert calls == [("alone", ["r1"]), ("batch", ["r2", "r3"])]
    assert all(future.result().error is None for future in futures)
    assert [record.id for record in refunds.refunds_of_orders(rn, ["o1"])["o1"]] == ["r1", "r2", "r3"]


def family_engine(falkor: Any) -> Refnet:
    rn = Refnet.start(falkor.with_graph(f"test_{next(graph_numbers)}"), load_plan("family"))
    rn.clock = lambda: WEEK_START - 21 * 86_400_000
    members.register(rn, "Leader", member_id="L")
    for member_id in ("a", "b"):
        members.register(rn, member_id, sponsor_id="L", member_id=member_id)
    families.create_family(rn, "F", "Sing Along", "L")
    for member_id in ("a", "b"):
        families.add_member(rn, "F", member_id)
    rn.clock = lambda: FAMILY_NOW
    return rn


def test_activity_queues_with_its_own_outcome(falkor):
    """Activity calls through the writer: each all or nothing with its own outcome, a repeat
    of an event id records nothing again, a call naming a stranger fails alone."""
    grouped, sequential = family_engine(falkor), family_engine(falkor)
    day = WEEK_START + 86_400_000
    calls = [
        [ActivityEvent("F", "a", "LIVE_GIFT", day, 12000, id="e1"), ActivityEvent("F", "b", "LIVE_GIFT", day, 500)],
        [ActivityEvent("F", "stranger", "LIVE_GIFT", day, 100)],
        [ActivityEvent("F", "a", "LIVE_GIFT", day, 12000, id="e1"), ActivityEvent("F", "a", "PRACTICE", day, 3)],
    ]
    writer = GroupCommit(grouped)
    futures = [writer.submit("activity", ActivityItem(events)) for events in calls]
    writer.start().stop()
    outcomes = [future.result() for future in futures]
    expected = []
    for events in calls:
        try:
            expected.append((activity.record_activity(sequential, sequential.plan.section("family"), events), None))
        except DomainError as error:
            expected.append((None, error.code))
    assert [(outcome.recorded, code(outcome)) for outcome in outcomes] == expected
    assert [recorded for recorded, _ in expected] == [2, None, 1]
    assert graph_dump(grouped.store) == graph_dump(sequential.store)


def test_the_api_books_refunds_through_the_writer(rn):
    from starlette.testclient import TestClient

    from api.app import create_app
    from tests.conftest import GraphQLClient

    members.register(rn, "Sam", member_id="S")
    orders.record_order(rn, "o1", "S", PRICES[0])
    with TestClient(create_app(lambda: rn, jobs=[])) as http:
        gql = GraphQLClient(http)
        gql.ok('mutation { refundOrder(orderId: "o1", amount: "100.00", reason: "broken", id: "r1") { id } }')
        error = gql.error('mutation { refundOrder(orderId: "ghost", amount: "1.00", reason: "x") { id } }')
        assert error["extensions"]["code"] == "NOT_FOUND"
        assert http.app.state.writer.batches == 2
    assert [record.id for record in refunds.refunds_of_orders(rn, ["o1"])["o1"]] == ["r1"]


def test_activity_under_a_plan_without_families_fails_alone(falkor):
    rn = engine(falkor)  # the linkage plan: no family module
    writer = GroupCommit(rn)
    futures = [writer.submit("activity", ActivityItem([ActivityEvent("F", "m1", "LIVE_GIFT", NOW, 10)])),
               writer.submit("order", OrderItem("o1", "m1", PRICES[0]))]
    writer.start().stop()
    failed, booked = (future.result() for future in futures)
    assert failed.error.code == "BAD_INPUT" and "family" in failed.error.message
    assert booked.error is None and orders.get_order(rn, "o1") is not None
