"""One period-run shape for every plan (issue 13): the same fields and the same named totals
(booked / paid / retained, from the entries the run booked), and runs from before the shape
upgraded at start."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal

from graph.core.plan import load_plan
from graph.ledger import orders, period_runs
from graph.ledger.period_close import close_period
from graph.network import members
from graph.service import Refnet

D = Decimal
NOV = int(datetime(2026, 11, 10, tzinfo=timezone.utc).timestamp() * 1000)
SHAPE = {"id", "period", "plan", "plan_version", "state", "steps", "orders", "entries", "total", "booked", "paid",
         "retained", "started_at", "finished_at"}


def run_node(rn: Refnet, run_id: str) -> dict:
    return rn.store.run_text("MATCH (r:PeriodRun {id: $id}) RETURN properties(r) AS r", {"id": run_id})[0]["r"]


def booked_by(rn: Refnet, prefix: str) -> dict[str, int]:
    rows = rn.store.run_text("MATCH (e:Entry) WHERE e.id STARTS WITH $p RETURN e.status AS status, e.amount AS amount",
                             {"p": prefix})
    return {"booked": sum(r["amount"] for r in rows), "paid": sum(r["amount"] for r in rows if r["status"] == "PAID"),
            "retained": sum(r["amount"] for r in rows if r["status"] == "RETAINED")}


def network(rn: Refnet) -> None:
    members.register(rn, "Root", member_id="root")
    members.register(rn, "A", sponsor_id="root", member_id="a")
    members.register(rn, "B", sponsor_id="a", member_id="b")


def test_every_plan_stores_its_run_in_one_shape(falkor) -> None:
    cases = []
    for plan_name, period, amount in (("linkage-3plus1", "2026-11", "5000.00"), ("differential", "2026-11", "700.00"),
                                      ("family", "2026-W01", None)):
        rn = Refnet.start(falkor.with_graph(f"runs_{plan_name}_{uuid.uuid4().hex}"), load_plan(plan_name))
        rn.clock = lambda: NOV + 40 * 86_400_000
        if amount is not None:
            network(rn)
            orders.record_order(rn, "o1", "b", D(amount), at=NOV)
        record = close_period(rn, period)
        module = {"linkage-3plus1": "linkage"}.get(plan_name, plan_name)
        node = run_node(rn, f"{module}:{period}")
        cases.append((plan_name, node))
        assert set(node) == SHAPE, plan_name
        assert node["state"] == "DONE" and node["finished_at"] is not None
        expected = booked_by(rn, f"period:{period}:" if module != "family" else "family:")
        assert {name: node[name] for name in ("booked", "paid", "retained")} == expected
        assert (record.booked, record.paid, record.retained) == tuple(
            D(expected[name]) / 100 for name in ("booked", "paid", "retained"))
    assert cases[0][1]["booked"] > 0 and cases[1][1]["paid"] > 0  # the linkage and differential runs booked


def test_a_run_from_before_the_shape_is_upgraded_at_start(rn: Refnet) -> None:
    rn.store.run_text("CREATE (:PeriodRun {id: 'linkage:2026-10', period: '2026-10', steps: ['pools'], entries: 3, "
                      "total: 900, done: true, at: 5, finished_at: 6})")
    restarted = Refnet.start(rn.store, rn.plan)
    node = run_node(restarted, "linkage:2026-10")
    assert (node["state"], node["started_at"], node.get("done"), node.get("at")) == ("DONE", 5, None, None)
    assert "2026-10" in {row["period"] for row in restarted.store.run("period_runs_done")}
    old = period_runs.runs(restarted, "linkage")[0]
    assert (old.period, old.entries, old.total, old.done, old.booked) == ("2026-10", 3, D("9.00"), True, None)
    assert period_runs.upgrade(restarted) == 0
