"""Issue 12 item 4: recording an order is one statement — allocation, points, counters, pool
flags and entries, all or nothing. Orders that earlier versions left half-done (a crash between
their two statements) are finished by the next start and by the month close itself, to exactly
what a clean recording books."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from graph.ledger import orders
from graph.ledger.period_close import close_period
from graph.network import members
from graph.plans.linkage import order_effects
from graph.service import Refnet

D = Decimal
NOV = int(datetime(2026, 11, 10, tzinfo=timezone.utc).timestamp() * 1000)
ORDERS = [("o1", "a", "1000.00"), ("o2", "b", "1000.00"), ("o3", "c", "5000.00"), ("o4", "d", "1000.00")]


def network(rn: Refnet) -> None:
    members.register(rn, "Root", member_id="root")
    for member_id, sponsor in (("a", "root"), ("b", "a"), ("c", "a"), ("d", "b")):
        members.register(rn, member_id.upper(), sponsor_id=sponsor, member_id=member_id)


def state(rn: Refnet) -> dict:
    """Everything an order books, comparable across graphs."""
    text = rn.store.run_text
    return {
        "entries": sorted(tuple(row.values()) for row in text(
            "MATCH (e:Entry) OPTIONAL MATCH (e)-[:TO]->(m:Member) OPTIONAL MATCH (e)-[:FOR_ORDER]->(o:Order) "
            "RETURN e.id AS id, e.rule AS rule, e.status AS status, e.amount AS amount, e.points AS points, "
            "e.beneficiary_id AS beneficiary, m.id AS to, o.id AS order, e.explanation AS explanation")),
        "members": sorted(tuple(row.values()) for row in text(
            "MATCH (m:Member) RETURN m.id AS id, m.paid AS paid, m.frozen AS frozen, m.burned AS burned, "
            "m.points AS points, m.team_orders AS team_orders, m.team_sales AS team_sales, m.status AS status, "
            "m.shares_milli AS shares, m.identity AS identity, m.quota_used AS quota_used")),
        "pools": sorted(tuple(row.values()) for row in text(
            "MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance, p.market AS market, p.units AS units")),
        "orders": sorted(tuple(row.values()) for row in text(
            "MATCH (o:Order) RETURN o.id AS id, o.effects AS effects, o.pools_open AS pools_open, "
            "o.level_open AS level_open, o.pools_closed AS pools_closed, o.level_closed AS level_closed")),
        "holdings": sorted(tuple(row.values()) for row in text(
            "MATCH (h:Holding) RETURN h.id AS id, h.units AS units, h.issued AS issued, h.active AS active")),
    }


def record_all(rn: Refnet) -> None:
    for order_id, buyer, amount in ORDERS:
        orders.record_order(rn, order_id, buyer, D(amount), at=NOV)


def crash_between_statements(rn: Refnet, monkeypatch, half_done: set[str]) -> None:
    """Records the orders as an earlier version did, killed between its two statements for the
    orders in `half_done`: their allocation booked, their effects and pool flags not. (Points
    are issued at the price when an order's effects are booked, so the orders in flight when a
    process dies are its last ones.)"""
    for order_id, buyer, amount in ORDERS:
        if order_id in half_done:
            with monkeypatch.context() as patch:
                patch.setattr(order_effects, "contribute", lambda rn, draft: None)
                orders.record_order(rn, order_id, buyer, D(amount), at=NOV)
            rn.store.run_text("MATCH (o:Order {id: $id}) REMOVE o.effects", {"id": order_id})
        else:
            orders.record_order(rn, order_id, buyer, D(amount), at=NOV)


@pytest.fixture
def clean(falkor, plan) -> Refnet:
    """A second graph where the same orders were recorded without a crash."""
    rn = Refnet.start(falkor.with_graph(f"clean_{uuid.uuid4().hex}"), plan)
    network(rn)
    record_all(rn)
    return rn


def test_an_order_is_one_statement(rn: Refnet, monkeypatch) -> None:
    network(rn)
    before = state(rn)

    def killed(rn, draft):
        raise KeyboardInterrupt("killed while the order's statement was being prepared")

    monkeypatch.setattr(order_effects, "contribute", killed)
    with pytest.raises(KeyboardInterrupt):
        orders.record_order(rn, "o1", "a", D("1000.00"), at=NOV)
    assert state(rn) == before  # nothing of it: no allocation without its effects
    monkeypatch.undo()
    orders.record_order(rn, "o1", "a", D("1000.00"), at=NOV)
    after = state(rn)
    assert after["orders"] == [("o1", True, "2026-11", "2026-11", None, None)]
    assert {row[0] for row in after["entries"]} >= {"order:o1#0"}
    assert [row for row in after["holdings"] if row[0] == "o1"][0][1] > 0  # its points in the same write


def test_a_half_done_order_is_finished_by_the_next_start(rn: Refnet, clean: Refnet, monkeypatch) -> None:
    network(rn)
    crash_between_statements(rn, monkeypatch, {"o3", "o4"})  # in flight when the process died
    halfway = state(rn)
    assert ("o3", None, None, None, None, None) in halfway["orders"]
    assert halfway != state(clean)

    restarted = Refnet.start(rn.store, rn.plan)
    assert state(restarted) == state(clean)
    assert orders.finish_half_done(restarted) == 0  # nothing left: a second start books nothing


def test_a_half_done_order_is_finished_by_the_close_itself(rn: Refnet, clean: Refnet, monkeypatch) -> None:
    network(rn)
    crash_between_statements(rn, monkeypatch, {"o4"})
    run = close_period(rn, "2026-11")
    expected = close_period(clean, "2026-11")
    assert (run.entries, run.total) == (expected.entries, expected.total)
    assert state(rn) == state(clean)  # its pool shares split like every other order's


def test_recording_a_half_done_order_again_finishes_it(rn: Refnet, clean: Refnet, monkeypatch) -> None:
    network(rn)
    crash_between_statements(rn, monkeypatch, {"o4"})
    assert orders.record_order(rn, "o4", "d", D("1000.00")).at == NOV
    assert state(rn) == state(clean)
