"""Registrations per second at N existing members (bulk-built): one by one through
`graph.network.members.register` (what `registerMember` calls) against batches of K through
`graph.network.batch.register_many` (what `registerMembers` calls), next to a floor measured in
the same run: the trivial statement `meta_version`, one round trip. Sponsors are drawn with the
benches' skew (early members recruit many, so slides are frequent). Every batch's members are
checked afterwards against one-by-one booking by the property test, not here.

    python -m bench.registrations [N] [--count C]     (default: N = 100000, C = 2000)

With REFNET_WORKING_SET=1 the batches are computed from the engine's in-process working set
(`graph.working_set`, loaded after the one-by-one measure: those moved the graph under it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from bench.common import bulk_network, engine, skewed_sponsor
from graph import working_set
from graph.network import batch, members
from graph.network.batch import RegisterItem

BATCH_SIZES = (10, 100, 1000)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--count", type=int, default=2000, help="registrations per measure")
    args = parser.parse_args(argv)
    rng = random.Random(11)
    with engine() as rn:
        started = time.perf_counter()
        ids = bulk_network(rn, args.n)
        print(f"  built {args.n:,} members in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        floor_times = []
        for _ in range(200):
            began = time.perf_counter()
            rn.store.run("meta_version")
            floor_times.append(time.perf_counter() - began)
        floor = 1 / statistics.median(floor_times)
        counter = [0]

        def items(count: int) -> list[RegisterItem]:
            made = []
            for _ in range(count):
                counter[0] += 1
                made.append(RegisterItem("Member", f"r{counter[0]}", skewed_sponsor(ids, rng)))
            return made

        single_count = min(args.count, 500)
        single = items(single_count)
        began = time.perf_counter()
        for item in single:
            members.register(rn, item.name, sponsor_id=item.sponsor_id, member_id=item.member_id)
        one_by_one = single_count / (time.perf_counter() - began)
        rows = [("one by one", 1, one_by_one)]
        if working_set.wanted():
            working_set.enable(rn)
            print(f"  working set loaded in {rn.working_set.load_seconds:.1f} s", file=sys.stderr, flush=True)
        for size in BATCH_SIZES:
            todo = items(max(args.count, size))
            began = time.perf_counter()
            for start in range(0, len(todo), size):
                outcomes = batch.register_many(rn, todo[start:start + size])
                assert all(o.error is None for o in outcomes), [o.error for o in outcomes if o.error][:3]
            rows.append(("batch", size, len(todo) / (time.perf_counter() - began)))
    print(f"members: {args.n:,}; working set {'on' if working_set.wanted() else 'off'}; floor (trivial statement): {floor:,.0f}/s")
    print(f"{'how':<11} {'K':>5} {'registrations/s':>16} {'× one by one':>13} {'÷ floor':>8}")
    for how, size, rate in rows:
        print(f"{how:<11} {size:>5} {rate:>16,.0f} {rate / one_by_one:>13.1f} {rate / floor:>8.3f}")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main(sys.argv[1:])
