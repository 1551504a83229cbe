"""Start-up time against history (issue 12): a data dir grown through the engine's own write
path (N registrations and M orders, one statement each, as the API records them) is stopped and
started again; the baseline, measured in the same run, is the start of the same graph freshly
loaded: a backup image of it restored into a new data dir (`refnet restore`), which has no
history at all. The ratio grown/fresh must stay near 1 as history grows.

    python -m bench.startup [N [M]] [--plan NAME] [--no-compaction]

(default N = M = 20000, plan differential: its orders are recorded as they come and booked at
the month close, so growing stays quick; `--plan linkage-3plus1` books every order at once.)
The grown data dir is left as a crash leaves it (its server SIGKILLed, no compaction at stop);
its first start is the one after the crash, the second one follows a clean stop.
`--no-compaction` grows with the append-only file never rewritten (the set-up before issue 12).
`--bulk` skips the growing and measures only the start of a bulk-loaded graph of that size (for
sizes where growing through the write path would take hours, e.g. 100000 200000).
`--bulk --serve` then starts `refnet serve` on it with the working set on and off
(REFNET_WORKING_SET, issue 18) and prints the time to its first answered write (a
`registerMember`) against the time to its first answered trivial query in the same start, and
when the working set, loaded beside the writer, was installed.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.common import bulk_network, grow_network
from graph.core.plan import load_plan
from graph.ledger import orders
from graph.service import Refnet
from graph.store import embedded
from graph.store.backup import backup, restore
from graph.store.embedded import socket_path_for
from graph.store.falkor_store import FalkorStore
from graph.store.store import open_store

PRICES = [Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00")]  # package prices of linkage-3plus1


def aof_bytes(data: Path) -> tuple[int, int]:
    """(base image, statement log) bytes of the data dir's append-only file."""
    folder = data / "falkordb" / "appendonlydir"
    base = sum(p.stat().st_size for p in folder.glob("*.base.*"))
    incr = sum(p.stat().st_size for p in folder.glob("*.incr.aof"))
    return base, incr


def timed_start(data: Path) -> float:
    """Seconds from starting the server to its first answer; then stops it."""
    started = time.perf_counter()
    store = falkor(data)
    store.run_text("RETURN 1 AS one")
    seconds = time.perf_counter() - started
    wait_compaction(store)
    store.close()
    return seconds


def falkor(data: Path) -> FalkorStore:
    store = open_store(data, url="")
    assert isinstance(store, FalkorStore)
    return store


def wait_compaction(store: FalkorStore) -> None:
    while int(store.command("INFO", "persistence").get("aof_rewrite_in_progress", 0)):
        time.sleep(0.1)


def grow(data: Path, n: int, m: int, plan_name: str, compaction: bool) -> float:
    started = time.perf_counter()
    store = falkor(data)
    if not compaction:
        store.command("CONFIG", "SET", "auto-aof-rewrite-percentage", "0")
    rn = Refnet.start(store, load_plan(plan_name))

    def progress(index: int, _: float) -> None:
        if (index + 1) % max(1, n // 5) == 0:
            print(f"  {index + 1:,} members ({time.perf_counter() - started:.0f} s)", flush=True)

    ids = grow_network(rn, n, on_member=progress)
    rng = random.Random(11)
    for index in range(m):
        orders.record_order(rn, f"o{index}", rng.choice(ids), rng.choice(PRICES))
        if (index + 1) % max(1, m // 5) == 0:
            print(f"  {index + 1:,} orders ({time.perf_counter() - started:.0f} s)", flush=True)
    wait_compaction(store)
    store.server.crash()  # as a killed refnet leaves it: no compaction at stop
    store.close()
    return time.perf_counter() - started


def bulk(data: Path, n: int, m: int, plan_name: str) -> float:
    """The graph loaded in a few bulk statements; then compacted, as the server would."""
    started = time.perf_counter()
    store = falkor(data)
    plan = load_plan(plan_name)
    rn = Refnet.start(store, plan)
    ids = bulk_network(rn, n)
    rng = random.Random(11)
    at = rn.clock()
    period = orders.period_of(at)
    for first in range(0, m, 10_000):
        rn.store.run("bulk_orders_create", {"rows": [
            {"id": f"o{i}", "buyer_id": rng.choice(ids), "amount": int(rng.choice(PRICES) * 100), "referrer_id": None,
             "at": at, "period": period, "plan_version": plan.version}
            for i in range(first, min(m, first + 10_000))]})
    wait_compaction(store)
    try:
        store.command("BGREWRITEAOF")
    except Exception as error:  # a rewrite the server started itself meanwhile: it compacts as well
        print(f"  ({error})", flush=True)
    time.sleep(0.5)
    wait_compaction(store)
    store.close()
    return time.perf_counter() - started


def first_write(data: Path, working: bool, log: Path, member_id: str) -> tuple[float, float, float | None]:
    """Seconds from starting `refnet serve` to its first answered trivial query, to its first
    answered write, and (working set on) to the log line saying the set was installed."""
    from tests.support.serve import REGISTER, Served

    log.write_text("")
    started = time.perf_counter()
    served = Served(data, log=log, env={"REFNET_WORKING_SET": "1" if working else "0"})
    try:
        served.wait_healthy(600)
        while served.post("{ __typename }").get("errors"):
            time.sleep(0.01)
        trivial = time.perf_counter() - started
        body = served.post(REGISTER, id=member_id, s="m1")
        assert not body.get("errors"), body
        write = time.perf_counter() - started
        installed = None
        while working and time.perf_counter() - started < 600:
            if "working set installed" in log.read_text(errors="replace"):
                installed = time.perf_counter() - started
                break
            time.sleep(0.05)
        return trivial, write, installed
    finally:
        served.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("m", nargs="?", type=int, default=20_000)
    parser.add_argument("--plan", default="differential")
    parser.add_argument("--no-compaction", action="store_true")
    parser.add_argument("--bulk", action="store_true")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    if args.bulk:
        with tempfile.TemporaryDirectory(prefix="refnet-bench-startup-") as directory:
            data = Path(directory) / "bulk"
            seconds = bulk(data, args.n, args.m, args.plan)
            base, incr = aof_bytes(data)
            starts = [timed_start(data) for _ in range(2)]
            print(f"bulk-loaded {args.n:,} members and {args.m:,} orders in {seconds:.0f} s "
                  f"({base / 1e6:.1f} MB image + {incr / 1e6:.1f} MB statements); start: "
                  f"{min(starts):.2f} s (best of 2; {starts[0]:.2f}, {starts[1]:.2f})")
            if args.serve:
                for start, working in enumerate((False, True, False, True)):
                    trivial, write, installed = first_write(data, working, Path(directory) / "serve.log",
                                                            f"first-{start}")
                    print(f"serve, working set {'on ' if working else 'off'}: first trivial answer {trivial:.2f} s, "
                          f"first write {write:.2f} s (÷ trivial {write / trivial:.2f})"
                          + (f", set installed at {installed:.2f} s" if installed is not None else ""), flush=True)
            print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
        return
    if args.no_compaction:
        embedded.REWRITE_AT_START_BYTES = embedded.REWRITE_AT_STOP_BYTES = 1 << 62
    with tempfile.TemporaryDirectory(prefix="refnet-bench-startup-") as directory:
        grown, fresh = Path(directory) / "grown", Path(directory) / "fresh"
        print(f"growing {args.n:,} members and {args.m:,} orders ({args.plan}) through the write path …", flush=True)
        seconds = grow(grown, args.n, args.m, args.plan, not args.no_compaction)
        base, incr = aof_bytes(grown)
        print(f"grown in {seconds:.0f} s; append-only file: {base / 1e6:.1f} MB image + {incr / 1e6:.1f} MB statements")
        first = timed_start(grown)
        base2, incr2 = aof_bytes(grown)
        second = timed_start(grown)
        store = falkor(grown)
        image = Path(directory) / "image.rdb"
        backup(socket_path_for(grown), grown.resolve() / "falkordb", image)
        store.close()
        restore(image, fresh)
        fresh_start = min(timed_start(fresh), timed_start(fresh))
        print(f"start of the grown data dir after a crash: {first:6.2f} s")
        print(f"  again, after a clean stop (file then {base2 / 1e6:.1f} MB + {incr2 / 1e6:.1f} MB): {second:6.2f} s")
        print(f"start of the same graph freshly loaded: {fresh_start:6.2f} s  ({image.stat().st_size / 1e6:.1f} MB image)")
        print(f"ratio grown/fresh: first {first / fresh_start:.2f}, again {second / fresh_start:.2f}")
        print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    os.environ.pop("REFNET_GRAPH_URL", None)
    main()
