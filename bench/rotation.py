"""Weekly rotation cost: builds a network of N members with bulk Cypher (a complete 3-ary
placement tree, so about a third of the members are full), then runs several weeks through
`graph.network.rotation.rotate` and prints the median time per run next to a floor measured in
the same run on the same graph: the trivial statement `meta_version` (one index lookup) and the
trivial write every guarded statement begins with (`SET v.lock = true` on the version node), and
the same statement creating one node (a run creates its `Rotation` node; on FalkorDB a statement
that matches and then creates costs more the larger the graph). A run
is one statement that touches no member, so the ratio should not grow with N.

    python -m bench.rotation [N ...]      (default: 100000 1000000)
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import engine
from graph.network import members, rotation
from graph.service import Refnet

BUILD_BATCH = 10_000
WEEKS = [f"2026-W{number}" for number in range(40, 49)]
FLOOR_REPEATS = 50

# Members are created in registration order (seq k + 1 for the k-th, as registrations do); the
# k-th takes tree position (k * 7919) mod n. m0 is the root; m<i> sits under m<(i - 1) / 3> in
# slot (i - 1) % 3 + 1, so m<i> is full iff 3i + 3 < n and then got full_at 0 (no run yet).
# Bench-only text, not a named query of the engine.
CREATE_MEMBERS = """
UNWIND range($from, $to - 1) AS k
WITH k, (k * 7919) % $n AS i
CREATE (:Member {id: 'm' + toString(i), name: 'M', kind: 'PARTNER', status: 'CUSTOMER', seq: k + 1,
                 created_at: 0, referrals: 0, size: 1,
                 full_at: CASE WHEN 3 * i + 3 < $n THEN 0 ELSE NULL END})
"""
CREATE_EDGES = """
UNWIND range($from, $to - 1) AS i
MATCH (c:Member {id: 'm' + toString(i)})
MATCH (p:Member {id: 'm' + toString((i - 1) / 3)})
CREATE (c)-[:PLACED_UNDER {slot: (i - 1) % 3 + 1}]->(p)
CREATE (c)-[:SPONSORED_BY]->(p)
"""
WRITE_FLOOR = "MATCH (v:Meta {key: 'version'}) SET v.lock = true"
# a run is a guarded statement that creates its Rotation node: the same kind of write, trivially
CREATE_FLOOR = "MATCH (v:Meta {key: 'version'}) SET v.lock = true WITH v CREATE (:BenchProbe {at: 1})"
SET_COUNTERS = "MATCH (v:Meta {key: 'version'}) SET v.value = $n + 1, v.full_members = $full, v.rotation_runs = 0"


def full_members(n: int) -> int:
    """Members with 3 children in a complete 3-ary tree of n members (children of i: 3i+1 … 3i+3)."""
    return max(0, (n - 1 - 3) // 3 + 1) if n >= 4 else 0


def build(rn: Refnet, n: int) -> None:
    """N members and their placement edges (n must not be a multiple of 7919) in UNWIND batches;
    the version and rotation counters set as registrations would have left them."""
    for start in range(0, n, BUILD_BATCH):
        rn.store.run_text(CREATE_MEMBERS, {"from": start, "to": min(n, start + BUILD_BATCH), "n": n})
    for start in range(1, n, BUILD_BATCH):
        rn.store.run_text(CREATE_EDGES, {"from": start, "to": min(n, start + BUILD_BATCH)})
    rn.store.run_text(SET_COUNTERS, {"n": n, "full": full_members(n)})


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(n: int) -> dict[str, float]:
    with engine() as rn:
        started = time.perf_counter()
        build(rn, n)
        print(f"  built {n:,} members in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        floor = statistics.median(timed(lambda: rn.store.run("meta_version")) for _ in range(FLOOR_REPEATS))
        write_floor = statistics.median(timed(lambda: rn.store.run_text(WRITE_FLOOR)) for _ in range(FLOOR_REPEATS))
        create_floor = statistics.median(timed(lambda: rn.store.run_text(CREATE_FLOOR)) for _ in range(len(WEEKS)))
        rn.clock = lambda: rotation.week_start_ms(rotation.parse_week(WEEKS[-1])) + 1000
        runs = [timed(functools.partial(rotation.rotate, rn, week)) for week in WEEKS]
        again = timed(lambda: rotation.rotate(rn, WEEKS[0]))  # a week that ran: found, nothing changes
        results = rotation.rotations(rn)
        assert {r.rotated for r in results} == {full_members(n)}, results
        root, leaf = members.get_member(rn, "m0"), members.get_member(rn, f"m{n - 1}")
        assert root is not None and leaf is not None and (root.r, leaf.r) == (len(WEEKS), 0)
    seconds = statistics.median(runs)
    return {"n": n, "rotated": full_members(n), "seconds": seconds, "max": max(runs), "again": again,
            "floor": floor, "ratio": seconds / floor, "write_floor": write_floor,
            "write_ratio": seconds / write_floor, "create_floor": create_floor, "create_ratio": seconds / create_floor}


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [100_000, 1_000_000]
    print(f"{'N':>9} {'rotated':>9} {'run ms':>8} {'max ms':>8} {'rerun ms':>8} {'floor ms':>8} {'run/floor':>9} "
          f"{'write floor ms':>14} {'run/write floor':>15} {'create floor ms':>15} {'run/create floor':>16}")
    for n in sizes:
        r = run(n)
        print(f"{n:>9,} {r['rotated']:>9,} {r['seconds'] * 1000:>8.2f} {r['max'] * 1000:>8.2f} "
              f"{r['again'] * 1000:>8.2f} {r['floor'] * 1000:>8.2f} {r['ratio']:>9.1f} "
              f"{r['write_floor'] * 1000:>14.2f} {r['write_ratio']:>15.1f} {r['create_floor'] * 1000:>15.2f} "
              f"{r['create_ratio']:>16.1f}", flush=True)
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main(sys.argv[1:])
