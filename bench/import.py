"""Import throughput (issue 16): `refnet import`'s code path — parse and check the CSV files,
read the graph, compute placements and counters, write in batches — for N members (half with
a legacy placement, half placed by the slide-down rule) and M historical orders, against the
same rows bulk-created with one bare statement per batch in a fresh graph (the floor: nothing
checked, nothing computed). Prints rows/s and ratio = bare time / import time (1 = as fast as
the bare statements), then the same runs in CPU seconds, the client's (this process) and the
embedded database server's (read from /proc): on a shared machine wall times swing with the
load, CPU seconds far less, and on a quiet one wall ≈ client + server (they take turns).

    python -m bench.import [N [M]]      (default: N = 100000, M = 200000)
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from bench.common import engine, plan_network
from graph.admin import import_files, importer
from graph.admin.import_files import iter_batches
from graph.core.plan import load_plan

T = TypeVar("T")
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
PRICES = ("1000.00", "5000.00", "10000.00")


def write_files(directory: Path, n: int, m: int) -> tuple[Path, Path]:
    placed = plan_network(n, seed=7)
    rng = random.Random(7)
    lines = ["id,name,kind,sponsor_id,placement_parent_id,slot,registered_at"]
    for member in placed:
        legacy = member.parent_id is not None and rng.random() < 0.5
        lines.append(",".join([
            member.id, f"Member {member.id}", "PARTNER", member.sponsor_id or "",
            (member.parent_id or "") if legacy else "", str(member.slot) if legacy else "", "2024-01-01T00:00:00Z",
        ]))
    members = directory / "members.csv"
    members.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = [member.id for member in placed]
    start = int(START.timestamp())
    lines = ["id,buyer_id,amount,at,referrer_id"]
    for index in range(m):
        at = datetime.fromtimestamp(start + index * 60, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"o{index},{rng.choice(ids)},{rng.choice(PRICES)},{at},")
    orders = directory / "orders.csv"
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return members, orders


STAGES: dict[str, float] = {}  # seconds per statement of the importer, and its parse and compute
CPU: dict[str, tuple[float, float]] = {}  # run → (client, server) CPU seconds


def server_cpu_s() -> float:
    """CPU seconds used so far by this process's children (the embedded database server);
    0 where /proc is missing."""
    me, total = os.getpid(), 0
    try:
        pids = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def cpu(run: str) -> Iterator[None]:
    client, server = time.process_time(), server_cpu_s()
    try:
        yield
    finally:
        CPU[run] = (time.process_time() - client, server_cpu_s() - server)


def timed(name: str, run: Callable[..., T]) -> Callable[..., T]:
    def wrapper(*args: Any, **kwargs: Any) -> T:
        started = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            STAGES[name] = STAGES.get(name, 0.0) + time.perf_counter() - started
    return wrapper


def timed_import(members_file: Path, orders_file: Path) -> tuple[float, float]:
    """Members into an empty graph, then orders onto them (two runs of the importer), each
    statement and step timed into STAGES."""
    with engine(load_plan("linkage-3plus1")) as rn:
        store_run = rn.store.run
        rn.store.run = lambda name, params=None: timed(f"write/read {name}", store_run)(name, params)  # type: ignore[method-assign]
        for step in ("members_of", "orders_of"):
            setattr(import_files, step, timed(f"parse {step[:-3]}", getattr(import_files, step)))
        for step in ("plan_members", "plan_orders"):
            setattr(importer, step, timed(f"compute {step[5:]}", getattr(importer, step)))
        started = time.perf_counter()
        with cpu("import members"):
            rows = import_files.members_of(import_files.read_text(str(members_file)))
            importer.import_files(rn, rows, [], [])
        members_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with cpu("import orders"):
            orders = import_files.orders_of(import_files.read_text(str(orders_file)))
            importer.import_files(rn, [], orders, [])
        return members_seconds, time.perf_counter() - started


def timed_together(members_file: Path, orders_file: Path) -> float:
    """Both files in one run, as docs/migrating.md recommends."""
    with engine(load_plan("linkage-3plus1")) as rn:
        started = time.perf_counter()
        with cpu("import both"):
            importer.import_files(rn, import_files.members_of(import_files.read_text(str(members_file))),
                                  import_files.orders_of(import_files.read_text(str(orders_file))), [])
        return time.perf_counter() - started


def timed_bare(members_file: Path, orders_file: Path, n: int) -> tuple[float, float]:
    """The floor: the files read with csv and their rows created with one bare statement per
    batch (the placements taken from the generator, nothing checked or computed)."""
    import csv

    parents = {row["id"]: row for row in plan_rows(n)}
    with engine(load_plan("linkage-3plus1")) as rn:
        started = time.perf_counter()
        with cpu("bare members"):
            with open(members_file, encoding="utf-8") as handle:
                members = list(csv.DictReader(handle))
            for batch in iter_batches(members, importer.BATCH):
                rn.store.run("import_bench_members", {"rows": [
                    {"id": row["id"], "name": row["name"], "kind": row["kind"], "created_at": 0} for row in batch]})
            links = [parents[row["id"]] for row in members if row["sponsor_id"]]
            for batch in iter_batches(links, importer.BATCH):
                rn.store.run("import_bench_links", {"rows": batch})
        members_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with cpu("bare orders"):
            with open(orders_file, encoding="utf-8") as handle:
                orders = list(csv.DictReader(handle))
            for batch in iter_batches(orders, importer.BATCH):
                rn.store.run("import_bench_orders", {"rows": [
                    {"id": row["id"], "buyer_id": row["buyer_id"], "amount": int(row["amount"].replace(".", "")),
                     "at": 0} for row in batch]})
        return members_seconds, time.perf_counter() - started


def plan_rows(n: int) -> list[dict]:
    return [{"id": m.id, "sponsor_id": m.sponsor_id, "parent_id": m.parent_id, "slot": m.slot}
            for m in plan_network(n, seed=7)]


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    m = int(argv[1]) if len(argv) > 1 else 200_000
    with tempfile.TemporaryDirectory(prefix="refnet-import-bench-") as directory:
        members_file, orders_file = write_files(Path(directory), n, m)
        bare_members, bare_orders = timed_bare(members_file, orders_file, n)
        import_members, import_orders = timed_import(members_file, orders_file)
        stages = dict(STAGES)
        together = timed_together(members_file, orders_file)
        STAGES.clear()
        STAGES.update(stages)
    print(f"{'rows':<8} {'N':>9} {'import s':>9} {'rows/s':>9} {'bare s':>8} {'bare rows/s':>12} {'ratio':>6}")
    for name, count, seconds, bare in (("members", n + 1, import_members, bare_members),
                                       ("orders", m, import_orders, bare_orders)):
        print(f"{name:<8} {count:>9,} {seconds:>9.2f} {count / seconds:>9,.0f} {bare:>8.2f} "
              f"{count / bare:>12,.0f} {bare / seconds:>6.2f}")
    both = bare_members + bare_orders
    print(f"{'both':<8} {n + 1 + m:>9,} {together:>9.2f} {(n + 1 + m) / together:>9,.0f} {both:>8.2f} "
          f"{(n + 1 + m) / both:>12,.0f} {both / together:>6.2f}   (one run: members and orders files together)")
    print("the same in CPU seconds, client + server (ratio = bare / import):")
    bare_both = tuple(a + b for a, b in zip(CPU["bare members"], CPU["bare orders"]))
    for name, bare_cpu in (("members", CPU["bare members"]), ("orders", CPU["bare orders"]), ("both", bare_both)):
        mine = CPU[f"import {name}"]
        print(f"  {name:<8} bare {bare_cpu[0]:.2f} + {bare_cpu[1]:.2f}   import {mine[0]:.2f} + {mine[1]:.2f}   "
              f"ratio {sum(bare_cpu) / sum(mine):.2f}")
    print("where the two importer runs spent their time (s):")
    for name, seconds in sorted(STAGES.items(), key=lambda item: -item[1]):
        if seconds >= 0.05:
            print(f"  {name:<40} {seconds:>7.2f}")
    with open("/proc/loadavg") as handle:
        print(f"load average: {handle.read().split()[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
