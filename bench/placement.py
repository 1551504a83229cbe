"""Placement throughput: registers N members with skewed random sponsors through the API's code
path and prints members/s, and how the last 10 % of registrations compare with the first 10 %
(near 1 means no slowdown as the tree grows).

Two measures of the last/first ratio: wall-clock rate, and CPU cost per registration (this
process plus the database server), which other load on the machine does not distort.

    python -m bench.placement [N ...]      (default: 10000 100000)
"""

from __future__ import annotations

import sys
import time
from typing import cast

from bench.common import engine, grow_network
from graph.service import Refnet
from graph.store.falkor_store import FalkorStore


def cpu_seconds(rn: Refnet) -> float:
    """CPU used so far by this process and by the database server."""
    server = cast(FalkorStore, rn.store).command("INFO", "cpu")  # the benches run on FalkorDB
    return time.process_time() + float(server["used_cpu_user"]) + float(server["used_cpu_sys"])


def run(n: int) -> dict[str, float]:
    tenth = max(1, n // 10)
    marks: dict[int, tuple[float, float]] = {}
    with engine() as rn:

        def progress(index: int, seconds: float) -> None:
            done = index + 1
            if done in (1, tenth, n - tenth, n):
                marks[done] = (time.perf_counter(), cpu_seconds(rn))
            if done % tenth == 0:
                print(f"  {done:>9,} registered", file=sys.stderr, flush=True)

        started = time.perf_counter()
        grow_network(rn, n, on_member=progress)
        total = time.perf_counter() - started
        depth = rn.store.run_text("MATCH (m:Member) RETURN max(m.depth) AS d")[0]["d"]
    (w0, c0), (w1, c1), (w2, c2), (w3, c3) = (marks[k] for k in (1, tenth, n - tenth, n))
    first_rate, last_rate = (tenth - 1) / (w1 - w0), tenth / (w3 - w2)
    first_cpu, last_cpu = (c1 - c0) / (tenth - 1), (c3 - c2) / tenth
    return {"rate": n / total, "first": first_rate, "last": last_rate, "wall_ratio": last_rate / first_rate,
            "cpu_first_ms": first_cpu * 1000, "cpu_last_ms": last_cpu * 1000, "cpu_ratio": first_cpu / last_cpu,
            "depth": depth}


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [10_000, 100_000]
    print(f"{'N':>9} {'members/s':>10} {'first 10%/s':>12} {'last 10%/s':>11} {'wall last/first':>16} "
          f"{'cpu ms first':>13} {'cpu ms last':>12} {'cpu last/first':>15} {'max depth':>9}")
    for n in sizes:
        r = run(n)
        print(f"{n:>9,} {r['rate']:>10.0f} {r['first']:>12.0f} {r['last']:>11.0f} {r['wall_ratio']:>16.2f} "
              f"{r['cpu_first_ms']:>13.2f} {r['cpu_last_ms']:>12.2f} {r['cpu_ratio']:>15.2f} {r['depth']:>9}", flush=True)
    print("ratios are rates (last / first): 1.00 = no slowdown as the tree grows", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
