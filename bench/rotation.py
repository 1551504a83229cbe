"""Weekly rotation throughput: builds a network of N members with bulk Cypher (a complete 3-ary
placement tree, so about a third of the members are full), rotates one week through
`graph.network.rotation.rotate` and prints members rotated per second, next to a baseline measured in
the same run on the same graph: one plain statement `MATCH (m:Member) SET m.x = 1` over every
member. Also the time per batch of the last 10 % of batches over the first 10 % (near 1: a
batch costs the same wherever it is in the graph).

    python -m bench.rotation [N ...]      (default: 100000 1000000)
"""

from __future__ import annotations

import sys
import time

from bench.common import engine
from graph.network import rotation
from graph.service import Refnet

BUILD_BATCH = 10_000
WEEK = "2026-W48"

# Members are created in registration order (seq k + 1 for the k-th, as registrations do); the
# k-th takes tree position (k * 7919) mod n, so that full members are spread over every seq range
# as in a grown network. m0 is the root; m<i> sits under m<(i - 1) / 3> in slot (i - 1) % 3 + 1.
# Bench-only text, not a named query of the engine.
CREATE_MEMBERS = """
UNWIND range($from, $to - 1) AS k
CREATE (:Member {id: 'm' + toString((k * 7919) % $n), name: 'M', kind: 'PARTNER', status: 'CUSTOMER', seq: k + 1,
                 created_at: 0, r: 0, referrals: 0, size: 1})
"""
CREATE_EDGES = """
UNWIND range($from, $to - 1) AS i
MATCH (c:Member {id: 'm' + toString(i)})
MATCH (p:Member {id: 'm' + toString((i - 1) / 3)})
CREATE (c)-[:PLACED_UNDER {slot: (i - 1) % 3 + 1}]->(p)
CREATE (c)-[:SPONSORED_BY]->(p)
"""


def build(rn: Refnet, n: int) -> None:
    """N members and their placement edges (n must not be a multiple of 7919) in UNWIND batches; the version counter set past them."""
    for start in range(0, n, BUILD_BATCH):
        rn.store.run_text(CREATE_MEMBERS, {"from": start, "to": min(n, start + BUILD_BATCH), "n": n})
    for start in range(1, n, BUILD_BATCH):
        rn.store.run_text(CREATE_EDGES, {"from": start, "to": min(n, start + BUILD_BATCH)})
    rn.store.run_text("MATCH (v:Meta {key: 'version'}) SET v.value = $n + 1", {"n": n})


def full_members(n: int) -> int:
    """Members with 3 children in a complete 3-ary tree of n members (children of i: 3i+1 … 3i+3)."""
    return max(0, (n - 1 - 3) // 3 + 1) if n >= 4 else 0


def run(n: int) -> dict[str, float]:
    with engine() as rn:
        started = time.perf_counter()
        build(rn, n)
        built = time.perf_counter() - started
        print(f"  built {n:,} members in {built:.1f} s", file=sys.stderr, flush=True)

        started = time.perf_counter()
        rn.store.run_text("MATCH (m:Member) SET m.x = 1")
        baseline = time.perf_counter() - started

        rn.clock = lambda: rotation.week_start_ms(rotation.parse_week(WEEK)) + 1000
        batch_times: list[float] = []
        last = [time.perf_counter()]

        def progress(p: rotation.Progress) -> None:
            now = time.perf_counter()
            batch_times.append(now - last[0])
            last[0] = now

        started = time.perf_counter()
        last[0] = started
        result = rotation.rotate(rn, WEEK, on_batch=progress)
        seconds = time.perf_counter() - started
        assert result.rotated == full_members(n), (result.rotated, full_members(n))
    # the first batch also pays for the plan compile, the last one covers a partial range
    batch_times = batch_times[1:-1] or batch_times
    tenth = max(1, len(batch_times) // 10)
    return {
        "n": n, "rotated": result.rotated, "seconds": seconds, "rate": result.rotated / seconds,
        "scanned_rate": n / seconds, "baseline": baseline, "ratio": seconds / baseline,
        "batches": len(batch_times),
        "drift": (sum(batch_times[-tenth:]) / tenth) / (sum(batch_times[:tenth]) / tenth),
    }


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [100_000, 1_000_000]
    print(f"{'N':>9} {'rotated':>9} {'seconds':>8} {'rotated/s':>10} {'members/s':>10} "
          f"{'baseline s':>10} {'rot/base':>8} {'batches':>7} {'last/first':>10}")
    for n in sizes:
        r = run(n)
        print(f"{n:>9,} {r['rotated']:>9,} {r['seconds']:>8.2f} {r['rate']:>10.0f} {r['scanned_rate']:>10.0f} "
              f"{r['baseline']:>10.2f} {r['ratio']:>8.1f} {r['batches']:>7} {r['drift']:>10.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
