"""Memory of the graph with monthly closes that move each closed month to the archive (issue 19).

Loads N members (in bulk, like the placement bench), then for each of K months records M
orders through the write path (`orders.record_order`), closes the month (`close_period`,
which moves it to the Parquet archive by itself, then rebuilds the indexes with garbage) and prints the database's memory after the close (`INFO memory`: used_memory, read once the
server's background collection has freed what the move deleted, and used_memory_dataset;
`GRAPH.MEMORY USAGE` is not used: it crashed the server once, SIGSEGV, at 100k members): flat month over month means the graph holds only the
network, the counters and the open month. Also: bytes per member and per open order, and
timings against floors measured in the same run:

- the close and the archive move vs. reading the month's entries once from the graph;
- a year-long history read (payouts of the last month: every archived month, grouped by
  DuckDB; payoutReport over the year) vs. one DuckDB scan summing every archived entry.

    python -m bench.archive [N [M [K]]] [--plan NAME]    (default: N = 10000, M = 1000, K = 12, linkage-3plus1)
    python -m bench.archive --family [N [E [K [S]]]]     (the family plan's weeks: bench.family_archive)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from bench.common import bulk_network
from graph.core.plan import load_plan
from graph.ledger import archive, history, orders, payout, payouts, period_close
from graph.service import Refnet
from graph.store.index_garbage import label_indexes
from graph.store.store import open_store

PRICES = [Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00")]
# FalkorDB's indexes (RediSearch inside it) keep a deleted entity's entries until their garbage
# collector runs, on a timer of 30 s (its fork GC's default, not settable in the FalkorDB we ship):
# memory after a move is read over more than one interval, so that the collection has run.
GC_INTERVAL_S = 30.0
SETTLE_S = GC_INTERVAL_S + 8.0
DROP = 256 << 10  # a fall of used_memory this large is a collection, not the readings' noise


def ms(year: int, month: int, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=timezone.utc).timestamp() * 1000)


def months(count: int) -> list[tuple[str, int, int]]:
    """(period, first ms, next month's first ms) from January 2025."""
    found = []
    for index in range(count):
        year, month = 2025 + index // 12, index % 12 + 1
        nxt = (year + (month == 12), month % 12 + 1)
        found.append((f"{year}-{month:02d}", ms(year, month), ms(*nxt)))
    return found


def clock(at: int) -> Callable[[], int]:
    return lambda: at


def close_then_move(rn: Refnet, period: str, end: int, read: Callable[[], float]) -> tuple[float, float, float]:
    """The period's close alone (no archive: it books in the graph), then its move alone, an
    hour after the period ended: their seconds, and the floor — the faster of two reads of the
    period (`read`), before and after the close."""
    floor = read()
    rn.clock = clock(end + 3_600_000)
    root, rn.archive = rn.archive, None
    started = time.perf_counter()
    period_close.close_period(rn, period)
    closed = time.perf_counter() - started
    rn.archive = root
    floor = min(floor, read())
    started = time.perf_counter()
    archive.archive_period(rn, period)
    return closed, time.perf_counter() - started, floor


def used_memory(rn: Refnet) -> int:
    """The server's allocated bytes (INFO memory): every graph, caches, deleted data not yet collected."""
    return int(rn.store.command("INFO", "memory")["used_memory"])  # type: ignore[attr-defined]


def settled_memory(rn: Refnet, seconds: float = SETTLE_S) -> int:
    """used_memory once the database has collected what the move deleted: the lowest reading
    over at least `seconds` (more than one index GC interval) and until it has not dropped for
    a whole interval (a collection may take more than one run), at most three intervals. Right
    after a delete the figure still counts the deleted entities' index entries."""
    started = last_drop = time.monotonic()
    lowest = used_memory(rn)
    while True:
        now = time.monotonic()
        if now - started >= 3 * GC_INTERVAL_S or (now - started >= seconds and now - last_drop >= GC_INTERVAL_S + 2):
            return lowest
        time.sleep(0.5)
        found = used_memory(rn)
        if found < lowest - DROP:
            last_drop = time.monotonic()
        lowest = min(lowest, found)


def member_properties(rn: Refnet) -> int:
    """Properties on members: counters set for the first time grow the network's own state."""
    return int(rn.store.run("member_properties")[0]["properties"])


def dataset(rn: Refnet) -> int:
    """The server's data bytes (used_memory_dataset: used_memory less its own overhead)."""
    return int(rn.store.command("INFO", "memory")["used_memory_dataset"])  # type: ignore[attr-defined]


def read_month(rn: Refnet, period: str) -> float:
    """Seconds to read the month's entries once (infinite before the close of a plan that books
    a month's entries only when it closes: the floor is then read after the close)."""
    started = time.perf_counter()
    rows = sum(len(page) for page in archive.entry_pages(rn, period))
    return time.perf_counter() - started if rows else float("inf")


def main(argv: list[str]) -> None:
    if "--family" in argv:  # the family plan: weekly activity and closes (bench.family_archive)
        from bench import family_archive

        family_archive.main([arg for arg in argv if arg != "--family"])
        return
    plan = "linkage-3plus1"
    if "--plan" in argv:  # e.g. differential: a plan whose orders leave no holdings behind
        at = argv.index("--plan")
        plan = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    n = int(argv[0]) if argv else 10_000
    m = int(argv[1]) if len(argv) > 1 else 1_000
    k = int(argv[2]) if len(argv) > 2 else 12
    rng = random.Random(19)
    with tempfile.TemporaryDirectory(prefix="refnet-bench-archive-") as directory:
        data = Path(directory)
        store = open_store(data, url="")
        try:
            rn = Refnet.start(store, load_plan(plan), archive=data / "archive")
            print(f"plan {plan}")
            empty = used_memory(rn)
            ids = bulk_network(rn, n)
            network = used_memory(rn)
            print(f"members {n:,}: {network - empty:,} bytes, {(network - empty) / n:,.0f} bytes per member")
            print("month    | orders | used_memory after close | used_memory open month | "
                  "dataset after close | per open order | record s | close s | move s | floor s | close/floor | move/floor"
                  " | left in graph: orders, refunds, entries, holdings (holding points) | index garbage ids | member properties")
            order_number = 0
            curve: list[int] = []
            holdings: list[int] = []
            properties = member_properties(rn)
            for period, start, end in months(k):
                rn.clock = clock(end - 1)
                before = used_memory(rn)
                started = time.perf_counter()
                for _ in range(m):
                    orders.record_order(rn, f"o{order_number}", rng.choice(ids), rng.choice(PRICES),
                                        at=start + rng.randrange(end - start - 1))
                    order_number += 1
                recorded = time.perf_counter() - started
                open_month = used_memory(rn)
                closed, moved, floor = close_then_move(rn, period, end, lambda: read_month(rn, period))
                after = settled_memory(rn)
                curve.append(after)
                left = {name: int(value) for name, value in rn.store.run("archive_bench_counts")[0].items()}
                holdings.append(left["holdings"])
                garbage = sum(index.max_doc_id - index.documents for index in label_indexes(rn.store))
                now_properties = member_properties(rn)
                properties, added = now_properties, now_properties - properties
                print(f"{period}  | {m:>6,} | {after:>23,} | {open_month:>22,} | "
                      f"{dataset(rn):>19,} | {(open_month - before) / m:>14,.0f} | "
                      f"{recorded:>8.2f} | {closed:>7.2f} | {moved:>6.2f} | {floor:>7.3f} | {closed / floor:>11.1f} | "
                      f"{moved / floor:>10.1f} | {left['orders']:,}, {left['refunds']:,}, {left['entries']:,}, "
                      f"{left['holdings']:,} ({left['holding_points']:,}) | {garbage:,} | "
                      f"{properties:,} (+{added:,})", flush=True)
            last = months(k)[-1][0]
            h = history.history(rn)
            started = time.perf_counter()
            scanned = history.select_rows("SELECT count(*) AS n, sum(amount)::BIGINT AS cents FROM read_parquet(?)",
                                    [h.files])[0]
            floor = time.perf_counter() - started
            started = time.perf_counter()
            paid = payouts.payouts(rn, last)
            report = payout.payout_report(rn, months(k)[0][1], months(k)[-1][2])
            read = time.perf_counter() - started
            print(f"history read ({k} months, {scanned['n']:,} archived entries): payouts of {last} "
                  f"({len(paid.lines):,} lines) + payoutReport over the range {read:.3f} s; floor (one DuckDB scan "
                  f"summing every archived entry) {floor:.3f} s; ratio {read / floor:.1f}; paid {report.total.paid}")
            growth = (curve[-1] - curve[0]) / max(1, len(curve) - 1)
            held = (holdings[-1] - holdings[0]) / max(1, len(holdings) - 1)
            print(f"memory after each close: first {curve[0]:,}, last {curve[-1]:,}, {growth:,.0f} bytes per month "
                  f"({growth / m:,.0f} per order of a closed month); holdings still holding points (live state, "
                  f"like balances) grew by {held:,.0f} a month"
                  + (f": {growth / held:,.0f} bytes per month per holding added (bench.archive_growth takes it apart)"
                     if held else ""))
        finally:
            store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
