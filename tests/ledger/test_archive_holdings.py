"""Points holdings with nothing left move to the archive with their order (issue 19): gone
from the graph, kept in holdings.parquet, and a refund of their order takes the same points
back as it would have before the move."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from graph.ledger import archive, history, orders, period_close, refunds
from graph.ledger.entries import balance
from graph.network import members
from graph.plans.linkage.points_store import read_market, sell_points
from graph.service import Refnet
from tests.ledger.test_archive_moves import Killed, kill_at
from tests.support.db import graph_numbers
from tests.support.refunds import ms

D = Decimal


def october_with_a_holding_sold_out(rn: Refnet) -> None:
    members.register(rn, "Root", member_id="root")
    for n in (1, 2, 3):
        members.register(rn, f"User {n}", sponsor_id="root", member_id=f"u{n}")
        orders.record_order(rn, f"o{n}", f"u{n}", D("1000.00"), at=ms(f"2026-10-0{n}T09:00:00"))
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    sell_points(rn, "u2", balance(rn, "u2").points)  # o2's holding: nothing left


def holding_ids(rn: Refnet) -> list[str]:
    return [row["id"] for row in rn.store.run_text("MATCH (h:Holding) RETURN h.id AS id ORDER BY id")]


def after_refund(rn: Refnet) -> tuple[Decimal, int, int]:
    refunds.refund_order(rn, "o2", D("1000.00"), "returned", "r1")
    market = read_market(rn)
    return balance(rn, "u2").points, market.market.units, market.market.pool


def test_a_sold_out_holding_moves_and_its_refund_takes_the_same_points_back(rn, falkor, plan, tmp_path):
    rn.archive = tmp_path / "archive"
    october_with_a_holding_sold_out(rn)
    period_close.close_period(rn, "2026-10")  # moves October by itself

    assert holding_ids(rn) == ["o1", "o3"]  # they still hold points: live state
    assert history.query(rn, "SELECT id, member_id, units, active FROM holdings")[1] == [("o2", "u2", 0, False)]
    moved = after_refund(rn)
    assert holding_ids(rn) == ["o1", "o3"]  # the refund did not bring it back

    twin = Refnet.start(falkor.with_graph(f"test_{next(graph_numbers)}"), plan)  # no archive: nothing moves
    october_with_a_holding_sold_out(twin)
    period_close.close_period(twin, "2026-10")
    assert holding_ids(twin) == ["o1", "o2", "o3"]
    assert moved == after_refund(twin)
    assert moved[0] < 0  # the points it issued were sold: the buyer owes them back


@pytest.mark.parametrize(("step", "after"), [("files", 1), ("record", 1), ("remove", 1), ("remove", 2), ("remove", 3)])
def test_a_move_killed_at_any_step_leaves_one_copy_of_the_holding(rn, tmp_path, step, after):
    october_with_a_holding_sold_out(rn)
    period_close.close_period(rn, "2026-10")  # no archive yet: nothing moves
    rn.archive = tmp_path / "archive"
    with pytest.raises(Killed):
        archive.archive_period(rn, "2026-10", kill_at(step, after))
    archive.archive_period(rn, "2026-10")  # the re-run finishes

    assert holding_ids(rn) == ["o1", "o3"]
    assert history.query(rn, "SELECT id FROM holdings")[1] == [("o2",)]
    assert json.loads((tmp_path / "archive" / "2026-10" / "manifest.json").read_text())["holdings"] == 1
