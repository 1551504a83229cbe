"""Month close of the differential plan (rules §9): closes a month of M orders on a network of
N members (loaded in bulk like the placement bench, a share of them customers, some orders
with a cross-structure referrer) through `differential_close.close_period`, and prints
orders/s. Floors in the same run: the close's own computation in memory (its snapshot already
read: ranks and every order's entry rows, `graph.plans.differential.month`), and the same
month computed independently over a networkx copy of the sponsor tree (group volumes, ranks,
the per-order walk with the same pure rule); the close and the networkx copy must agree to
the cent, per member and in total.

    python -m bench.period [N [M [FUNDING [WHERE]]]]    (default: N = 100000, M = 200000, company, archive)

WHERE: `archive` (an archive configured, the default: the close writes its entries to the
period's close file, issue 18) or `graph` (none: the close books Entry nodes).
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import networkx as nx

from bench.common import bulk_network, engine
from graph.core.money import from_cents
from graph.core.plan import load_plan
from graph.ledger.archive import after_close, archive_period
from graph.ledger.preview import run_rules
from graph.plans.differential import close as differential_close
from graph.plans.differential.month import month_bookings
from graph.plans.differential.rules import CUSTOMER, OrderView, Person, Rank, config_of, order_bookings, qualify
from graph.service import Refnet

PERIOD = "2026-11"
START_MS = int(datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp() * 1000)
MONTH_MS = 30 * 24 * 3600 * 1000
CUSTOMER_SHARE = 0.3  # members who are customers
REFERRED_SHARE = 0.05  # orders with a cross-structure referrer


def make_customers(rn: Refnet, ids: list[str], rng: random.Random) -> set[str]:
    customers = {member_id for member_id in ids[1:] if rng.random() < CUSTOMER_SHARE}
    batch = sorted(customers)
    for start in range(0, len(batch), 10_000):
        rn.store.run("bulk_members_kind", {"ids": batch[start:start + 10_000], "kind": CUSTOMER})
    return customers


def order_stream(ids: list[str], m: int, rng: random.Random) -> list[tuple[str, str, int, str | None, int]]:
    """(id, buyer, cents, referrer, at): amounts 5.00–400.00 in cents, times within the month."""
    stream = []
    for index in range(m):
        buyer = rng.choice(ids)
        referrer = None
        if rng.random() < REFERRED_SHARE:
            referrer = rng.choice(ids)
            referrer = None if referrer == buyer else referrer
        stream.append((f"o{index}", buyer, rng.randint(500, 40_000), referrer, START_MS + rng.randrange(MONTH_MS)))
    return stream


def load_orders(rn: Refnet, stream, plan_version: str) -> None:
    for start in range(0, len(stream), 10_000):
        rn.store.run("bulk_orders_create", {"rows": [
            {"id": order_id, "buyer_id": buyer, "amount": cents, "referrer_id": referrer, "at": at,
             "period": PERIOD, "plan_version": plan_version}
            for order_id, buyer, cents, referrer, at in stream[start:start + 10_000]
        ]})


def sponsor_graph(rn: Refnet) -> tuple[nx.DiGraph, dict[str, str]]:
    """The sponsor tree as a networkx graph (edges member → sponsor) and every member's kind."""
    graph = nx.DiGraph()
    kinds = {}
    for row in rn.store.run_text(
        "MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) RETURN m.id AS id, m.kind AS kind, s.id AS sponsor"
    ):
        graph.add_node(row["id"])
        kinds[row["id"]] = row["kind"]
        if row["sponsor"] is not None:
            graph.add_edge(row["id"], row["sponsor"])
    return graph, kinds


def in_memory(plan, graph: nx.DiGraph, kinds: dict[str, str], stream) -> dict[str, Decimal]:
    """The month in memory: what every member is paid, plus '<retained>'."""
    config = config_of(plan)
    upline_of: dict[str, list[str]] = {}

    def upline(member_id: str) -> list[str]:
        if member_id not in upline_of:
            sponsor = next(iter(graph.successors(member_id)), None)
            upline_of[member_id] = [] if sponsor is None else [sponsor, *upline(sponsor)]
        return upline_of[member_id]

    volume: dict[str, int] = defaultdict(int)
    for _, buyer, cents, _, _ in stream:
        volume[buyer] += cents
        for member_id in upline(buyer):
            volume[member_id] += cents
    base = qualify(Decimal("0.00"), config.ranks)
    ranks: dict[str, Rank | None] = {
        member_id: qualify(from_cents(volume[member_id]), config.ranks) if member_id in volume else base
        for member_id, kind in kinds.items() if kind != CUSTOMER
    }

    def person(member_id: str) -> Person:
        return Person(member_id, kinds[member_id], ranks.get(member_id))

    paid: dict[str, Decimal] = defaultdict(Decimal)
    for order_id, buyer, cents, referrer, _ in stream:
        view = OrderView(order_id, from_cents(cents), person(buyer), tuple(person(u) for u in upline(buyer)), referrer)
        for booking in order_bookings(view, config, PERIOD):
            paid[(booking.beneficiary_id if booking.status == "PAID" else None) or "<retained>"] += booking.amount
    return dict(paid)


def booked(rn: Refnet) -> dict[str, Decimal]:
    """What the close paid every member (their counters) and retained (its entries read back,
    from the graph or the close file)."""
    paid = {row["id"]: from_cents(row["paid"]) for row in rn.store.run_text(
        "MATCH (m:Member) WHERE m.paid > 0 RETURN m.id AS id, m.paid AS paid")}
    retained = sum((row.amount for row in run_rules(rn, PERIOD) if row.status == "RETAINED"), Decimal(0))
    if retained:
        paid["<retained>"] = retained
    return paid


def run(n: int, m: int, funding: str = "company", seed: int = 7, archive: bool = True) -> dict:
    plan = load_plan("differential" if funding == "company" else "differential-sponsor-funded")
    rng = random.Random(seed)
    with engine(plan, archive) as rn:
        started = time.perf_counter()
        ids = bulk_network(rn, n, seed)
        customers = make_customers(rn, ids, rng)
        stream = order_stream(ids, m, rng)
        load_orders(rn, stream, plan.version)
        print(f"  network of {n:,} ({len(customers):,} customers) and {m:,} orders loaded in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        snapshot = differential_close.read_snapshot(rn, PERIOD)
        started = time.perf_counter()
        differential_close.entries_of(rn, PERIOD, month_bookings(snapshot, config_of(plan)))
        compute_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = differential_close.close_period(
            rn, PERIOD, after_batch=lambda b: print(f"  batch {b + 1} booked", file=sys.stderr, flush=True))
        db_seconds = time.perf_counter() - started
        graph, kinds = sponsor_graph(rn)
        started = time.perf_counter()
        expected = in_memory(plan, graph, kinds, stream)
        memory_seconds = time.perf_counter() - started
        got = booked(rn)
        started = time.perf_counter()
        archive_period(rn, PERIOD) if archive else after_close(rn, PERIOD)  # what closePeriod runs next
        move_seconds = time.perf_counter() - started
        if got != booked(rn):
            print("the move changed what the ledger reads", file=sys.stderr)
            sys.exit(1)
    expected = {k: v for k, v in expected.items() if v > 0}
    mismatched = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
    return {"n": n, "m": m, "funding": funding, "db_seconds": db_seconds, "memory_seconds": memory_seconds,
            "move_seconds": move_seconds,
            "compute_seconds": compute_seconds,
            "entries": result.entries, "paid": result.total, "mismatched": mismatched,
            "expected_paid": sum((v for k, v in expected.items() if k != "<retained>"), Decimal(0))}


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    m = int(argv[1]) if len(argv) > 1 else 200_000
    funding = argv[2] if len(argv) > 2 else "company"
    archive = (argv[3] if len(argv) > 3 else "archive") == "archive"
    r = run(n, m, funding, archive=archive)
    db_rate, memory_rate, compute_rate = m / r["db_seconds"], m / r["memory_seconds"], m / r["compute_seconds"]
    agree = "yes" if not r["mismatched"] and r["paid"] == r["expected_paid"] else "NO"
    print(f"{'N':>9} {'M':>9} {'funding':>8} {'close s':>8} {'orders/s':>9} {'in-memory/s':>12} {'ratio':>7} "
          f"{'networkx/s':>11} {'ratio':>7} {'entries':>9} {'paid':>14} agree")
    print(f"{n:>9,} {m:>9,} {funding:>8} {r['db_seconds']:>8.1f} {db_rate:>9.0f} {compute_rate:>12.0f} "
          f"{db_rate / compute_rate:>7.3f} {memory_rate:>11.0f} {db_rate / memory_rate:>7.3f} {r['entries']:>9,} "
          f"{r['paid']:>14} {agree}")
    print(f"after the close, {'its move to the archive' if archive else 'the index rebuild'}: "
          f"{r['move_seconds']:.1f} s")
    print(f"entries to: {'the archive' if archive else 'the graph'}; "
          f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    if r["mismatched"]:
        print(f"members whose pay differs from the in-memory computation: {r['mismatched'][:10]}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
