"""Placement throughput: registers N members with skewed random sponsors through the API's code
path and prints members/s, and the rate of the last 10 % of registrations over the first 10 %
(near 1 means no slowdown as the tree grows).

    python -m bench.placement [N ...]      (default: 10000 100000)
"""

from __future__ import annotations

import sys
import time

from bench.common import engine, grow_network
from graph import members


def run(n: int) -> dict[str, float]:
    durations: list[float] = []
    with engine() as rn:
        started = time.perf_counter()

        def progress(index: int, seconds: float) -> None:
            durations.append(seconds)
            if (index + 1) % max(1, n // 10) == 0:
                print(f"  {index + 1:>9,} registered", file=sys.stderr, flush=True)

        grow_network(rn, n, on_member=progress)
        total = time.perf_counter() - started
        root = members.get_member(rn, "root")
        depth = rn.store.run_text("MATCH (m:Member) RETURN max(m.depth) AS d")[0]["d"]
    tenth = max(1, n // 10)
    first, last = sum(durations[:tenth]), sum(durations[-tenth:])
    return {"n": n, "rate": n / total, "first": tenth / first, "last": tenth / last,
            "ratio": (tenth / last) / (tenth / first), "depth": depth, "root_size": root.size}


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [10_000, 100_000]
    print(f"{'N':>9} {'members/s':>10} {'first 10%/s':>12} {'last 10%/s':>11} {'last/first':>10} {'max depth':>9}")
    for n in sizes:
        result = run(n)
        print(f"{n:>9,} {result['rate']:>10.0f} {result['first']:>12.0f} {result['last']:>11.0f} "
              f"{result['ratio']:>10.2f} {result['depth']:>9}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
