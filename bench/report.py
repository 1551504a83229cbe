"""How long the network report takes at scale: builds N members with bulk UNWIND Cypher (not
through the API: a skewed random sponsor tree, a breadth-first 3-wide placement tree, random
statuses and paid counters), then times `graph.analytics.report.network_report` against a baseline
measured in the same run: one query returning every member's id (the least a whole-network
read can cost through the client). Wall time and CPU time (this process and the database
server), since the machines are shared.

    python -m bench.report [N ...]      (default: 100000 1000000)
"""

from __future__ import annotations

import random
import sys
import time
from typing import cast

from bench.common import engine
from graph.analytics.report import compute_report, network_report
from graph.analytics.snapshot import read_snapshot
from graph.service import Refnet
from graph.store.falkor_store import FalkorStore

BATCH = 20_000

# full_at = -r gives offset r (r = Meta.rotation_runs - full_at, no run yet)
CREATE = """
UNWIND $rows AS row
CREATE (m:Member {id: row.id, name: row.name, kind: 'PARTNER', status: row.status, seq: row.seq,
                  created_at: row.at, depth: row.depth, sponsor_depth: row.sponsor_depth, full_at: -row.r,
                  referrals: row.referrals, size: row.size, paid: row.paid, frozen: 0, burned: 0})
WITH m, row
OPTIONAL MATCH (s:Member {id: row.sponsor_id})
OPTIONAL MATCH (p:Member {id: row.parent_id})
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | CREATE (m)-[:SPONSORED_BY]->(s))
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (m)-[:PLACED_UNDER {slot: row.slot}]->(p))
RETURN count(m) AS created
"""


def build(rn: Refnet, n: int, seed: int = 3) -> None:
    """n members: member 0 is the root; sponsor of i drawn with a u³ skew towards early members;
    placement parent of i is (i - 1) // 3 (breadth-first fill), slot (i - 1) % 3 + 1."""
    rng = random.Random(seed)
    sponsor = [-1] + [int(i * rng.random() ** 3) for i in range(1, n)]
    sponsor_depth = [0] * n
    depth = [0] * n
    referrals = [0] * n
    size = [1] * n
    for i in range(1, n):
        sponsor_depth[i] = sponsor_depth[sponsor[i]] + 1
        depth[i] = depth[(i - 1) // 3] + 1
        referrals[sponsor[i]] += 1
    for i in range(n - 1, 0, -1):
        size[(i - 1) // 3] += size[i]
    statuses = ["CUSTOMER", "AGENT", "AGENT", "BOSS"]
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            earner = rng.random() < 0.3
            rows.append({
                "id": f"m{i}", "name": f"Member {i}", "status": rng.choice(statuses), "seq": i + 1,
                "at": 1_790_000_000_000 + i * 1000, "depth": depth[i], "sponsor_depth": sponsor_depth[i],
                "r": rng.randrange(3), "referrals": referrals[i], "size": size[i],
                "paid": int(rng.paretovariate(1.2) * 10_000) if earner else 0,
                "sponsor_id": f"m{sponsor[i]}" if i else None,
                "parent_id": f"m{(i - 1) // 3}" if i else None, "slot": (i - 1) % 3 + 1 if i else None,
            })
        rn.store.run_text(CREATE, {"rows": rows})


def cpu_seconds(rn: Refnet) -> float:
    """CPU used so far by this process (all threads) and by the database server: other load on
    the machine does not distort it as it does wall time."""
    server = cast(FalkorStore, rn.store).command("INFO", "cpu")  # the benches run on FalkorDB
    return time.process_time() + float(server["used_cpu_user"]) + float(server["used_cpu_sys"])


def baseline(rn: Refnet) -> tuple[float, float]:
    """Wall and CPU seconds of one query returning every member's id."""
    started, cpu = time.perf_counter(), cpu_seconds(rn)
    rows = rn.store.run_text("MATCH (m:Member) RETURN m.id AS id")
    assert rows
    return time.perf_counter() - started, cpu_seconds(rn) - cpu


def run(n: int) -> dict[str, float]:
    with engine() as rn:
        started = time.perf_counter()
        build(rn, n)
        built = time.perf_counter() - started
        base, base_cpu = baseline(rn)
        started, cpu = time.perf_counter(), cpu_seconds(rn)
        report = network_report(rn)
        total, total_cpu = time.perf_counter() - started, cpu_seconds(rn) - cpu
        snapshot = read_snapshot(rn)
        started = time.perf_counter()
        compute_report(snapshot)
        compute = time.perf_counter() - started
        assert report.members == n
    return {"n": n, "build": built, "baseline": base, "report": total, "snapshot": report.snapshot_ms / 1000,
            "compute": compute, "ratio": total / base, "gini": report.earnings.gini,
            "report_cpu": total_cpu, "baseline_cpu": base_cpu, "cpu_ratio": total_cpu / base_cpu}


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [100_000, 1_000_000]
    print(f"{'N':>9} {'build s':>8} {'baseline s':>10} {'report s':>9} {'snapshot s':>10} {'metrics s':>9} "
          f"{'report/baseline':>15} {'baseline cpu s':>14} {'report cpu s':>12} {'cpu ratio':>9} {'gini':>6}")
    for n in sizes:
        r = run(n)
        print(f"{n:>9,} {r['build']:>8.1f} {r['baseline']:>10.2f} {r['report']:>9.2f} {r['snapshot']:>10.2f} "
              f"{r['compute']:>9.2f} {r['ratio']:>15.1f} {r['baseline_cpu']:>14.2f} {r['report_cpu']:>12.2f} "
              f"{r['cpu_ratio']:>9.1f} {r['gini']:>6.3f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
