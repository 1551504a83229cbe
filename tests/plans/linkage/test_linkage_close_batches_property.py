"""Property (issue 18): the linkage month close computed in memory from one snapshot and booked
in large batches books exactly what the old step-by-step close books (level batches reading
their orders and uplines from the graph; tests/support/linkage_level_reference.py): the same
entries property by property, the same edges, member counters, pools and run totals, over
random networks and two months with orders of the closed month recorded late."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.plan import load_plan
from graph.ledger import orders
from graph.network import members
from graph.plans.linkage import close as linkage_close
from graph.service import Refnet
from tests.support.linkage_level_reference import close_step_by_step
from tests.support.refunds import ms

PLAN = load_plan("linkage-3plus1")
PRICES = [Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00")]
OCT, NOV = "2026-10", "2026-11"
DATES = {OCT: ms("2026-10-15T12:00:00"), NOV: ms("2026-11-15T12:00:00")}
_graphs = itertools.count()

ENTRIES = ("MATCH (e:Entry) OPTIONAL MATCH (e)-[:TO]->(m:Member) OPTIONAL MATCH (e)-[:FOR_ORDER]->(o:Order) "
           "RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount, "
           "e.explanation AS explanation, e.beneficiary_id AS beneficiary_id, e.pool AS pool, "
           "e.order_id AS order_id, e.period AS period, e.at AS at, e.plan_version AS plan_version, "
           "m.id AS to, o.id AS for_order ORDER BY id")
COUNTERS = "MATCH (m:Member) RETURN m.id AS id, m.paid AS paid, m.frozen AS frozen, m.burned AS burned ORDER BY id"
POOLS = "MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance, p.carry_amounts AS carry ORDER BY name"
ORDERS = "MATCH (o:Order) RETURN o.id AS id, o.level_closed AS closed, o.level_open AS open ORDER BY id"


@st.composite
def histories(draw):
    size = draw(st.integers(2, 9))
    sponsor: dict[str, str | None] = {"m0": None}
    for index in range(1, size):
        sponsor[f"m{index}"] = f"m{draw(st.integers(0, index - 1))}"
    ids = list(sponsor)
    order = st.tuples(st.sampled_from(ids), st.sampled_from(PRICES))
    return {
        "sponsor": sponsor,
        "october": draw(st.lists(order, max_size=6)),
        "late": draw(st.lists(order, max_size=3)),
        "november": draw(st.lists(order, max_size=6)),
        "old_batch": draw(st.integers(1, 4)),
        "new_batch": draw(st.integers(1, 5)),
    }


def engine(history) -> Refnet:
    rn = Refnet.start(history["store"].with_graph(f"linkage_batches_{next(_graphs)}"), PLAN)
    rn.clock = lambda: ms("2026-12-02T08:00:00")
    for member_id, sponsor_id in history["sponsor"].items():
        members.register(rn, member_id, sponsor_id=sponsor_id, member_id=member_id)
    return rn


def record(rn: Refnet, stream: list[tuple[str, Decimal]], month: str, prefix: str) -> None:
    for index, (buyer, amount) in enumerate(stream):
        orders.record_order(rn, f"{prefix}{index}", buyer, amount, at=DATES[month])


def state(rn: Refnet) -> tuple:
    runs = sorted((run.period, run.entries, run.total, run.booked, run.paid, run.retained, run.done)
                  for run in linkage_close.runs(rn))
    return (rn.store.run_text(ENTRIES), rn.store.run_text(COUNTERS), rn.store.run_text(POOLS),
            rn.store.run_text(ORDERS), runs)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_the_batched_close_books_what_the_step_by_step_close_books(falkor, history):
    history["store"] = falkor
    old, new = engine(history), engine(history)
    batch = linkage_close.LEVEL_BATCH
    try:
        linkage_close.LEVEL_BATCH = history["new_batch"]
        for rn, close in ((old, lambda period: close_step_by_step(old, period, history["old_batch"])),
                          (new, lambda period: linkage_close.close_period(new, period))):
            record(rn, history["october"], OCT, "oct")
            close(OCT)
            record(rn, history["late"], OCT, "late")
            record(rn, history["november"], NOV, "nov")
            close(NOV)
            assert close(NOV).done
    finally:
        linkage_close.LEVEL_BATCH = batch
    assert state(new) == state(old)
    levels = [row for row in state(new)[0] if row["rule"] in ("level", "level_peer")]
    assert all(row["order_id"] is None and row["for_order"] is None for row in levels)
