"""Loading the in-process working set (issue 18, `graph.working_set`) at N bulk-built members:
its load time against a floor measured in the same run — the same pages of members read bare
(`MATCH (m:Member) … RETURN` the stored columns, nothing built) — and the memory it holds per
member (what Python allocated and still holds after a second, traced load).

    python -m bench.working_set [N ...]     (default: 100000)
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from pathlib import Path

from bench.common import bulk_network, engine
from graph import working_set

BARE = (
    "MATCH (m:Member) WHERE m.seq >= $lo AND m.seq < $hi "
    "RETURN m.id, m.kind, m.seq, m.depth, m.sponsor_depth, m.referrals, m.full_at, m.children, m.size, "
    "m.free_depth, m.free_seq, m.free_id, m.status, m.identity, m.fund_released, m.packages, m.quota, "
    "m.quota_used, m.agent_referrals, m.frozen, m.team_orders, m.landing_slug"
)


def measure(n: int) -> dict[str, float]:
    with engine() as rn:
        started = time.perf_counter()
        bulk_network(rn, n)
        print(f"  built {n:,} members in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        bounds = rn.store.run("working_set_bounds")[0]
        began = time.perf_counter()
        rows = 0
        for lo in range(bounds["lo"], bounds["hi"] + 1, working_set.PAGE_SEQS):
            rows += len(rn.store.run_text(BARE, {"lo": lo, "hi": lo + working_set.PAGE_SEQS}, read_only=True))
        floor = time.perf_counter() - began
        assert rows == bounds["members"]
        ws = working_set.enable(rn)
        assert len(ws.members) == bounds["members"]
        seconds = ws.load_seconds
        ws.drop()
        gc.collect()
        tracemalloc.start()  # a second load, traced: what the set holds once the pages are gone
        ws.load(rn.store)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return {"n": n, "load": seconds, "floor": floor, "bytes": held / len(ws.members)}


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [100_000]
    results = [measure(n) for n in sizes]
    print(f"{'members':>9} {'load s':>7} {'bare read s':>11} {'÷ floor':>8} {'bytes/member':>13}")
    for r in results:
        print(f"{r['n']:>9,} {r['load']:>7.2f} {r['floor']:>11.2f} {r['load'] / r['floor']:>8.2f} {r['bytes']:>13,.0f}")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main(sys.argv[1:])
