"""The linkage close reads its open orders' POOLED entries once for both steps (issue 18,
fifth round): the pools step's read gives the level step its orders, and each falls back to
its own read when that one read cannot stand for it."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from graph.ledger import orders
from graph.ledger.entries import ledger
from graph.plans.linkage import close as linkage_close
from graph.service import Refnet
from tests.plans.linkage.test_linkage_close_db import NOV, setup

D = Decimal
PERIOD = "2026-11"


@pytest.fixture
def rn(store, plan) -> Refnet:
    """An engine whose clock stands after November."""
    engine = Refnet.start(store, plan)
    engine.clock = lambda: int(datetime(2027, 1, 1, 0, 10, tzinfo=timezone.utc).timestamp() * 1000)
    return engine


def test_one_read_is_what_each_step_reads_alone(rn: Refnet) -> None:
    setup(rn)
    at = rn.clock()
    both = linkage_close.compute_pools(rn, PERIOD, at, with_levels=True)
    alone = linkage_close.compute_pools(rn, PERIOD, at)
    assert (both.entries, both.pools, both.orders) == (alone.entries, alone.pools, alone.orders)
    assert both.orders == 3 and alone.open_levels is None
    assert both.open_levels == linkage_close.read_level_snapshot(rn, PERIOD).orders
    assert [order["id"] for order in both.open_levels] == ["oa", "ob", "oc"]


def test_an_open_pool_the_level_read_misses_makes_the_pools_step_read_alone(rn: Refnet) -> None:
    setup(rn)
    rn.store.run_text("MATCH (o:Order {id: 'oc'}) SET o.level_open = null")
    at = rn.clock()
    both = linkage_close.compute_pools(rn, PERIOD, at, with_levels=True)
    assert both.open_levels is None
    assert both.orders == 3 and both.entries == linkage_close.compute_pools(rn, PERIOD, at).entries


def test_the_level_step_reads_again_when_the_graph_moved_after_the_pools_step(rn: Refnet) -> None:
    setup(rn)
    version = rn.store.run("meta_version")[0]["version"]
    stale = linkage_close.OpenLevels(version - 1, [])
    assert [o["id"] for o in linkage_close.read_level_snapshot(rn, PERIOD, stale).orders] == ["oa", "ob", "oc"]
    current = linkage_close.OpenLevels(version, [])
    assert linkage_close.read_level_snapshot(rn, PERIOD, current).orders == []


def test_an_order_recorded_between_the_steps_is_paid_by_the_level_step(rn: Refnet,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    setup(rn)
    split = linkage_close._close_pools

    def pools_then_an_order(*args):
        opened = split(*args)
        assert opened is not None and len(opened.orders) == 3
        orders.record_order(rn, "od", "c", D("1000.00"), at=NOV)
        return opened

    monkeypatch.setattr(linkage_close, "_close_pools", pools_then_an_order)
    linkage_close.close_period(rn, PERIOD)
    level = [e for e in ledger(rn, period=PERIOD, first=1000) if e.id.startswith(f"period:{PERIOD}:level:")]
    assert {e.id.split(":")[3].split("#")[0] for e in level} == {"oa", "ob", "oc", "od"}
    assert sum(e.amount for e in level) == D("510.00")  # 3 % of 16000.00 + 1000.00
