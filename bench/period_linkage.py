"""Month close of the linkage plan (rules §6–§8, issue 18): closes a month of M package orders
on a network of N members (both loaded in bulk: each order with its POOLED dividend,
shareholder and level shares, members with the downline sales those orders give) through
`linkage_close.close_period`, and prints orders/s. Floor in the same run: the level step's
own computation in memory (`linkage_close.LevelPlan` over the snapshot, every order's entries);
the close must book exactly the level pool, pay each member what that computation pays, and
leave the level pool at 0.

    python -m bench.period_linkage [N [M [WHERE]]]    (default: N = 100000, M = 200000, archive)

WHERE: `archive` (an archive configured, the default: the level step writes its entries to the
period's close file, issue 18) or `graph` (none: it books Entry nodes).
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from bench.common import bulk_network, engine
from graph.core.plan import load_plan
from graph.ledger import history
from graph.ledger.period_close import closed_periods
from graph.plans.linkage import close as linkage_close
from graph.plans.linkage.pools import level_config_of
from graph.service import Refnet

PERIOD = "2026-11"
START_MS = int(datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp() * 1000)
MONTH_MS = 30 * 24 * 3600 * 1000
PRICES = (100_000, 500_000, 1_000_000)  # the plan's packages, cents
POOLS = (("dividend", 4), ("shareholder", 3), ("level", 3))  # percent of the order (rules §1)


def load(rn: Refnet, ids: list[str], m: int, rng: random.Random) -> int:
    """M orders by random buyers; returns the level pool (cents)."""
    sponsor_of = {row["id"]: row["sponsor"] for row in rn.store.run_text(
        "MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) RETURN m.id AS id, s.id AS sponsor")}
    team_sales: dict[str, int] = defaultdict(int)
    pools: dict[str, int] = defaultdict(int)
    rows = []
    for index in range(m):
        buyer, amount = rng.choice(ids), rng.choice(PRICES)
        shares = [(name, amount * rate // 100) for name, rate in POOLS]
        for name, cents in shares:
            pools[name] += cents
        pooled = [{"seq": seq, "pool": name, "amount": cents} for seq, (name, cents) in enumerate(shares)]
        rows.append({"id": f"o{index}", "buyer_id": buyer, "amount": amount, "at": START_MS + rng.randrange(MONTH_MS),
                     "period": PERIOD, "plan_version": rn.plan.version, "pooled": pooled})
        sponsor = sponsor_of[buyer]
        while sponsor is not None:
            team_sales[sponsor] += amount
            sponsor = sponsor_of[sponsor]
    for start in range(0, m, 5_000):
        rn.store.run("bulk_linkage_orders", {"rows": rows[start:start + 5_000]})
    sales = [{"id": member_id, "team_sales": cents} for member_id, cents in team_sales.items()]
    for start in range(0, len(sales), 10_000):
        rn.store.run("bulk_members_team_sales", {"rows": sales[start:start + 10_000]})
    for name, cents in pools.items():
        rn.store.run("bulk_pool_set", {"name": name, "balance": cents})
    return pools["level"]


def level_booked(rn: Refnet) -> tuple[int, int]:
    """The level entries the close booked (count, cents): in the graph, or in the close file."""
    prefix = linkage_close.level_prefix(PERIOD)
    hot = rn.store.run_text(
        "MATCH (e:Entry) WHERE e.id STARTS WITH $prefix RETURN count(e) AS entries, collect(e.amount) AS cents",
        {"prefix": prefix})[0]
    h = history.history(rn)
    cold = history.connection().execute(
        "SELECT count(*), coalesce(sum(amount), 0)::BIGINT FROM read_parquet(?) WHERE starts_with(id, ?)",
        [h.files, prefix]).fetchone() if h.files else (0, 0)
    assert cold is not None
    return int(hot["entries"]) + int(cold[0]), sum(hot["cents"]) + int(cold[1])


def run(n: int, m: int, seed: int = 7, archive: bool = True) -> dict:
    plan = load_plan("linkage-3plus1")
    rng = random.Random(seed)
    with engine(plan, archive) as rn:
        rn.clock = lambda: START_MS + 31 * 24 * 3600 * 1000  # December: November may close
        started = time.perf_counter()
        ids = bulk_network(rn, n, seed)
        level_pool = load(rn, ids, m, rng)
        print(f"  network of {n:,} and {m:,} orders loaded in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        snapshot = linkage_close.read_level_snapshot(rn, PERIOD)
        started = time.perf_counter()
        level = linkage_close.LevelPlan(snapshot, level_config_of(plan), PERIOD, rn.clock(), plan.version,
                                        closed_periods(rn))
        computed = level.entries(snapshot.orders)
        compute_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = linkage_close.close_period(rn, PERIOD)
        db_seconds = time.perf_counter() - started
        level_entries, level_cents = level_booked(rn)
        paid = {row["id"]: row["paid"] for row in rn.store.run_text(
            "MATCH (m:Member) WHERE m.paid > 0 RETURN m.id AS id, m.paid AS paid")}
        pool_left = rn.store.run("pool_state", {"name": "level"})[0]["balance"]
    expected = {member_id: deltas["paid"] for member_id, deltas in computed.members.items() if deltas["paid"]}
    return {"db_seconds": db_seconds, "compute_seconds": compute_seconds, "entries": result.entries,
            "level_entries": level_entries, "level_cents": level_cents,
            "level_pool": level_pool, "pool_left": pool_left, "total": result.total,
            "agree": paid == expected and computed.count == level_entries
            and level_cents == level_pool and pool_left == 0}


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    m = int(argv[1]) if len(argv) > 1 else 200_000
    archive = (argv[2] if len(argv) > 2 else "archive") == "archive"
    r = run(n, m, archive=archive)
    db_rate, compute_rate = m / r["db_seconds"], m / r["compute_seconds"]
    print(f"{'N':>9} {'M':>9} {'close s':>8} {'orders/s':>9} {'in-memory/s':>12} {'ratio':>7} {'entries':>9} "
          f"{'level entries':>14} {'level pool':>14} agree")
    print(f"{n:>9,} {m:>9,} {r['db_seconds']:>8.1f} {db_rate:>9.0f} {compute_rate:>12.0f} {db_rate / compute_rate:>7.3f} "
          f"{r['entries']:>9,} {r['level_entries']:>14,} {r['level_pool'] / 100:>14,.2f} {'yes' if r['agree'] else 'NO'}")
    print(f"level entries to: {'the archive' if archive else 'the graph'}; "
          f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    if not r["agree"]:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
