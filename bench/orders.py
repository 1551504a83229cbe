"""Order throughput: records M orders on a network of N members built like the placement bench
(loaded in bulk, same stored result), through the API's code path (`orders.record_order`),
and prints orders/s. Baseline in the same run: the same allocations computed in memory with
the same pure rule over a networkx copy of both trees; the two must agree to the cent.

    python -m bench.orders [N [M [K]]]   (default: N = 100000, M = 10000, K = 1)

With K > 1 the orders are booked through `recordOrders`' function (`order_batch.record_many`)
in batches of K (issue 18), each batch in one statement; with REFNET_WORKING_SET=1, computed
from the engine's in-process working set (`graph.working_set`, loaded after the network is built).
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import networkx as nx

from bench.common import bulk_network, engine
from graph import working_set
from graph.core.money import from_cents
from graph.core.plan import Plan, load_plan
from graph.ledger import order_batch, orders
from graph.plans.linkage.allocation import Ancestor, Holder, OrderView, allocate
from graph.service import Refnet

PRICES = [Decimal("1000.00")] * 16 + [Decimal("5000.00")] * 3 + [Decimal("10000.00")]
START_MS = 1_793_491_200_000  # 2026-11-01T00:00:00Z


def order_stream(ids: list[str], m: int, seed: int) -> list[tuple[str, str, Decimal]]:
    rng = random.Random(seed)
    return [(f"o{index}", rng.choice(ids), rng.choice(PRICES)) for index in range(m)]


def trees(rn: Refnet) -> tuple[nx.DiGraph, nx.DiGraph]:
    """Sponsor and placement trees as networkx graphs (edges child → parent; slot and r kept)."""
    sponsor, placement = nx.DiGraph(), nx.DiGraph()
    rows = rn.store.run_text(
        "MATCH (v:Meta {key: 'version'}) MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) "
        "OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) "
        "RETURN m.id AS id, coalesce(v.rotation_runs - m.full_at, 0) AS r, s.id AS sponsor, p.id AS parent, l.slot AS slot"
    )
    for row in rows:
        placement.add_node(row["id"], r=row["r"] or 0)
        sponsor.add_node(row["id"])
        if row["sponsor"] is not None:
            sponsor.add_edge(row["id"], row["sponsor"])
        if row["parent"] is not None:
            placement.add_edge(row["id"], row["parent"], slot=row["slot"])
    return sponsor, placement


def in_memory(plan: Plan, sponsor: nx.DiGraph, placement: nx.DiGraph,
              stream: list[tuple[str, str, Decimal]]) -> dict[str, list[tuple]]:
    """Every order's bookings by the pure rule, with the members' counters kept in dicts."""
    state: dict[str, Holder] = {}

    def holder(member_id: str) -> Holder:
        return state.get(member_id) or Holder(member_id)

    def parent_of(graph: nx.DiGraph, member_id: str) -> str | None:
        return next(iter(graph.successors(member_id)), None)

    result: dict[str, list[tuple]] = {}
    for order_id, buyer_id, amount in stream:
        upline, child, up = [], buyer_id, parent_of(placement, buyer_id)
        while up is not None:
            owner_sponsor = parent_of(sponsor, up)
            upline.append(Ancestor(holder(up), placement.edges[child, up]["slot"], placement.nodes[up]["r"],
                                   holder(owner_sponsor) if owner_sponsor else None, child))
            child, up = up, parent_of(placement, up)
        sponsor_id = parent_of(sponsor, buyer_id)
        view = OrderView(order_id, amount, holder(buyer_id), holder(sponsor_id) if sponsor_id else None, tuple(upline))
        allocation = allocate(view, plan)
        buyer = holder(buyer_id)
        state[buyer_id] = Holder(buyer_id, buyer.packages + 1, buyer.agent_referrals,
                                 buyer.quota + allocation.quota_added, buyer.quota_used)
        if sponsor_id and allocation.buyer_became_agent:
            s = holder(sponsor_id)
            state[sponsor_id] = Holder(sponsor_id, s.packages, s.agent_referrals + 1, s.quota, s.quota_used)
        for member_id, used in allocation.quota_used.items():
            h = holder(member_id)
            state[member_id] = Holder(member_id, h.packages, h.agent_referrals, h.quota, h.quota_used + used)
        result[order_id] = [(b.rule, b.status, b.amount, b.beneficiary_id) for b in allocation.bookings]
    return result


def booked(rn: Refnet) -> dict[str, list[tuple]]:
    rows = rn.store.run_text(
        "MATCH (e:Entry) RETURN e.order_id AS order_id, e.seq AS seq, e.rule AS rule, e.status AS status, "
        "e.amount AS amount, e.beneficiary_id AS beneficiary_id"
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["order_id"]].append(row)
    return {
        order_id: [(r["rule"], r["status"], from_cents(r["amount"]), r["beneficiary_id"])
                   for r in sorted(entries, key=lambda r: r["seq"])]
        for order_id, entries in grouped.items()
    }


def run(n: int, m: int, seed: int = 7, batch: int = 1) -> dict:
    plan = load_plan("linkage-3plus1")
    with engine(plan) as rn:
        started = time.perf_counter()
        ids = bulk_network(rn, n, seed)
        built = time.perf_counter() - started
        print(f"  network of {n:,} loaded in {built:.1f} s", file=sys.stderr, flush=True)
        stream = order_stream(ids, m, seed)
        if working_set.wanted():
            working_set.enable(rn)
            print(f"  working set loaded in {rn.working_set.load_seconds:.1f} s", file=sys.stderr, flush=True)
        started = time.perf_counter()
        if batch > 1:
            items = [order_batch.OrderItem(order_id, buyer_id, amount, at=START_MS + index)
                     for index, (order_id, buyer_id, amount) in enumerate(stream)]
            for start in range(0, m, batch):
                outcomes = order_batch.record_many(rn, items[start:start + batch])
                assert all(outcome.error is None for outcome in outcomes)
        for index, (order_id, buyer_id, amount) in enumerate(stream if batch == 1 else []):
            orders.record_order(rn, order_id, buyer_id, amount, at=START_MS + index)
            if (index + 1) % max(1, m // 10) == 0:
                print(f"  {index + 1:>9,} orders recorded", file=sys.stderr, flush=True)
        db_seconds = time.perf_counter() - started
        sponsor, placement = trees(rn)
        started = time.perf_counter()
        expected = in_memory(plan, sponsor, placement, stream)
        memory_seconds = time.perf_counter() - started
        got = booked(rn)
    mismatched = [order_id for order_id, _, _ in stream if got.get(order_id) != expected[order_id]]
    entries = sum(len(v) for v in got.values())
    # the orders' own entries (a forced points exit an order causes is booked apart, order_id null)
    total = sum((e[2] for order_id, _, _ in stream for e in got.get(order_id, [])), Decimal(0))
    return {"n": n, "m": m, "db_rate": m / db_seconds, "memory_rate": m / memory_seconds,
            "entries": entries, "total": total, "expected_total": sum((a for _, _, a in stream), Decimal(0)),
            "mismatched": mismatched, "burned": sum(1 for v in got.values() for e in v if e[1] == "BURNED")}


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    m = int(argv[1]) if len(argv) > 1 else 10_000
    k = int(argv[2]) if len(argv) > 2 else 1
    result = run(n, m, batch=k)
    print(f"batch {k}; working set {'on' if working_set.wanted() else 'off'}; load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"{'N':>9} {'M':>7} {'orders/s':>9} {'in-memory/s':>12} {'ratio':>7} {'entries':>8} {'burned':>7} agree")
    agree = "yes" if not result["mismatched"] and result["total"] == result["expected_total"] else "NO"
    print(f"{n:>9,} {m:>7,} {result['db_rate']:>9.0f} {result['memory_rate']:>12.0f} "
          f"{result['db_rate'] / result['memory_rate']:>7.3f} {result['entries']:>8,} {result['burned']:>7,} {agree}")
    if result["mismatched"]:
        print(f"orders that differ from the in-memory computation: {result['mismatched'][:10]}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
