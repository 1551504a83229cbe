"""What still grows in the graph month over month once closed months move to the archive (issue 19).

Loads N members, then for each of K months records M orders, closes the month and moves it to
the archive (like bench.archive, smaller), printing `used_memory` after each move. Then it
takes apart the growth: the bytes freed by rebuilding the Entry indexes that archived entries
went through (what the index keeps of deleted entries), by restarting the server (what a reload
from disk does not keep: garbage of deletes, allocator slack), and by deleting every Holding and
any Order still in the graph (what closed months' orders still cost: closed orders move to the
archive with their month, holdings holding points stay).

Memory figures only (no timings); `used_memory` moves by a few hundred KB between readings, so
use M ≥ 2,000 for per-order figures.

    python -m bench.archive_growth [N [M [K]]]    (default: N = 20000, M = 2000, K = 4)
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from bench.archive import PRICES, SETTLE_S, clock, months, settled_memory
from bench.common import bulk_network
from graph.core.plan import load_plan
from graph.ledger import archive, orders, period_close
from graph.service import Refnet
from graph.store.store import open_store

ENTRY_INDEXES = ("beneficiary_id", "order_id", "at", "reverses", "period")  # not backing a unique constraint


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 20_000
    m = int(argv[1]) if len(argv) > 1 else 2_000
    k = int(argv[2]) if len(argv) > 2 else 4
    rng = random.Random(19)
    with tempfile.TemporaryDirectory(prefix="refnet-bench-growth-") as directory:
        data = Path(directory)
        store = open_store(data, url="")
        try:
            rn = Refnet.start(store, load_plan("linkage-3plus1"), archive=data / "archive")
            ids = bulk_network(rn, n)
            network = settled_memory(rn, SETTLE_S)
            number = 0
            curve = []
            for period, start, end in months(k):
                rn.clock = clock(end - 1)
                for _ in range(m):
                    orders.record_order(rn, f"o{number}", rng.choice(ids), rng.choice(PRICES),
                                        at=start + rng.randrange(end - start - 1))
                    number += 1
                rn.clock = clock(end + 3_600_000)
                period_close.close_period(rn, period)
                archive.archive_period(rn, period)
                curve.append(settled_memory(rn, SETTLE_S))
                print(f"{period}: used_memory after the move {curve[-1]:,}", flush=True)
            archived = m * k
            growth = (curve[-1] - curve[0]) / max(1, k - 1) / m
            print(f"growth: {growth:,.0f} bytes per order of a closed month")
            before = settled_memory(rn, 2 * SETTLE_S)
            print(f"two more GC intervals later: {curve[-1] - before:,} bytes freed, {(curve[-1] - before) / archived:,.0f} "
                  "per archived order (what the first interval after the move had not collected yet)")
            for prop in ENTRY_INDEXES:
                store.run_text(f"DROP INDEX ON :Entry({prop})")
            for prop in ENTRY_INDEXES:
                store.run_text(f"CREATE INDEX FOR (e:Entry) ON (e.{prop})")
            rebuilt = settled_memory(rn, SETTLE_S)
            print(f"Entry indexes rebuilt: {before - rebuilt:,} bytes freed, {(before - rebuilt) / archived:,.0f} "
                  "per archived order (what the indexes kept of deleted entries)")
            store.close()
            store = open_store(data, url="")  # the server reloads the graph from its own files
            rn = Refnet.start(store, load_plan("linkage-3plus1"), archive=data / "archive")
            reloaded = settled_memory(rn, SETTLE_S)
            print(f"server restarted (graph reloaded from disk): {rebuilt - reloaded:,} bytes freed, "
                  f"{(rebuilt - reloaded) / archived:,.0f} per archived order (garbage no reload keeps)")
            rebuilt = reloaded
            left = {name: int(value) for name, value in store.run("archive_bench_counts")[0].items()}
            store.run("archive_growth_delete_orders")
            bare = settled_memory(rn, SETTLE_S)
            print(f"every Holding and Order left deleted: {rebuilt - bare:,} bytes freed, "
                  f"{(rebuilt - bare) / archived:,.0f} per archived order (its Holding; orders left: "
                  f"{left['orders']:,}, holdings {left['holdings']:,})")
            print(f"left above the network alone: {bare - network:,} bytes, {(bare - network) / archived:,.0f} per "
                  "archived order (no entry, order or holding left: the graph's capacity for the deleted ones, "
                  "and the archive record and period runs)")
        finally:
            store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
