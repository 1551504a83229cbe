"""Memory of the graph with the family plan's weekly closes that move each closed week — its
commission entries and its activity events — to the archive (issue 19).

Loads N members (in bulk, like bench.archive), puts them in families of S (one guarded write
per join, as the API does), then for each of K weeks records E activity events through the
write path (`activity.record_activity`, batches of 5,000), closes the week (`close_period`),
moves it (`archive_period`) and prints the database's memory once the move's garbage is
collected (bench.archive.settled_memory): flat week over week means the graph holds only the
network, the families and the open week. Timed against floors measured in the same run:

- the move vs. reading the week's events once from the graph;
- the team-health report of one family, read over hot and archived weeks, vs. one DuckDB scan
  summing every archived event.

    python -m bench.archive --family [N [E [K [S]]]]   (default: N = 10000, E = 20000, K = 6, S = 50)
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from bench.archive import clock as at
from bench.archive import close_then_move, dataset, settled_memory, used_memory
from bench.common import bulk_network
from graph.core.plan import load_plan
from graph.ledger import history
from graph.plans.family import activity, families, health, periods
from graph.plans.family.activity import ActivityEvent
from graph.service import Refnet
from graph.store.store import open_store

TYPES = ["LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING", "SONG_UPLOAD", "PK_JOIN", "PRACTICE"]
BATCH = 5_000
FIRST_WEEK = "2026-W02"


def weeks(count: int) -> list[tuple[str, int, int]]:
    """(week, first ms, next week's first ms) from FIRST_WEEK."""
    found = []
    name = FIRST_WEEK
    for _ in range(count):
        start, end = periods.bounds(name)
        found.append((name, start, end))
        name = periods.period_of(end, "week")
    return found


def read_week(rn: Refnet, start: int, end: int) -> float:
    started = time.perf_counter()
    rn.store.run("family_week_activity", {"start": start, "end": end})
    return time.perf_counter() - started


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 10_000
    e = int(argv[1]) if len(argv) > 1 else 20_000
    k = int(argv[2]) if len(argv) > 2 else 6
    size = int(argv[3]) if len(argv) > 3 else 50
    rng = random.Random(19)
    full_plan = load_plan("family")
    plan = full_plan.section("family")
    calendar = weeks(k)
    with tempfile.TemporaryDirectory(prefix="refnet-bench-family-archive-") as directory:
        data = Path(directory)
        store = open_store(data, url="")
        try:
            rn = Refnet.start(store, full_plan, archive=data / "archive")
            rn.clock = at(calendar[0][1] - 86_400_000)
            empty = used_memory(rn)
            ids = bulk_network(rn, n)
            leaders = ids[::size]
            roster: dict[str, list[str]] = {}
            started = time.perf_counter()
            for index, leader in enumerate(leaders):
                family_id = f"F{index}"
                families.create_family(rn, family_id, family_id, leader)
                roster[family_id] = [m for m in ids[index * size + 1:(index + 1) * size] if m not in leaders]
                for member_id in roster[family_id]:
                    families.add_member(rn, family_id, member_id)
            joined = time.perf_counter() - started
            network = used_memory(rn)
            print(f"plan family: {n:,} members in {len(leaders):,} families of up to {size} "
                  f"({joined:.1f} s to join them one by one); {(network - empty) / n:,.0f} bytes per member")
            print("week     | events | used_memory after move | used_memory open week | dataset after move | "
                  "per open event | record s | close s | move s | floor s | move/floor | left: activity, entries, runs")
            curve: list[int] = []
            pairs = [(family_id, member_id) for family_id, members in roster.items() for member_id in members]
            for week, start, end in calendar:
                rn.clock = at(end - 1)
                before = used_memory(rn)
                events = []
                for _ in range(e):
                    family_id, member_id = rng.choice(pairs)
                    kind = rng.choice(TYPES)
                    diamonds = rng.randrange(0, 3000) if kind not in ("SONG_UPLOAD", "PK_JOIN", "PRACTICE") else 0
                    events.append(ActivityEvent(family_id, member_id, kind, rng.randrange(start, end - 1), diamonds))
                started = time.perf_counter()
                for offset in range(0, len(events), BATCH):
                    activity.record_activity(rn, plan, events[offset:offset + BATCH])
                recorded = time.perf_counter() - started
                open_week = used_memory(rn)
                closed, moved, floor = close_then_move(rn, week, end, lambda: read_week(rn, start, end))
                after = settled_memory(rn)
                curve.append(after)
                left = rn.store.run("family_bench_counts")[0]
                print(f"{week} | {e:>6,} | {after:>22,} | {open_week:>21,} | {dataset(rn):>18,} | "
                      f"{(open_week - before) / e:>14,.0f} | {recorded:>8.2f} | {closed:>7.2f} | {moved:>6.2f} | "
                      f"{floor:>7.3f} | {moved / floor:>10.1f} | {int(left['activity']):,}, {int(left['entries']):,}, "
                      f"{int(left['runs']):,}", flush=True)
            files = history.activity_files(history.history(rn))
            started = time.perf_counter()
            scanned = history.select_rows("SELECT count(*) AS n, sum(diamonds)::BIGINT AS d FROM read_parquet(?)",
                                    [files])[0]
            floor = time.perf_counter() - started
            rn.clock = at(calendar[-1][2] + 3_600_000)
            started = time.perf_counter()
            report = health.read_team_health(rn, plan, "F0", rn.clock())
            read = time.perf_counter() - started
            print(f"team health of F0 over {k} archived weeks ({scanned['n']:,} archived events): {read:.3f} s; "
                  f"floor (one DuckDB scan summing every archived event) {floor:.3f} s; ratio {read / floor:.1f}; "
                  f"{len(report.members)} members, {len(report.flags)} flags")
            growth = (curve[-1] - curve[0]) / max(1, len(curve) - 1)
            print(f"memory after each move: first {curve[0]:,}, last {curve[-1]:,}, {growth:,.0f} bytes per week "
                  f"({growth / e:,.1f} per event of a closed week)")
        finally:
            store.close()
