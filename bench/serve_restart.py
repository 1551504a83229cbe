"""The long run as an operator sees it (issue 12): `refnet serve` idles past its worker threads'
lifetime, history grows through the GraphQL API (concurrent clients registering members and
recording orders), the whole process group is SIGKILLed, and `refnet serve` is started again;
prints how long the restart took until /healthz answered, against the first start of the
empty data dir in the same run.

    python -m bench.serve_restart [N [M]] [--idle SECONDS]   (default 3000 members, 3000 orders, 70 s)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import random
import tempfile
import time
from pathlib import Path

from tests.support.serve import ORDER, REGISTER, Served


def healthy_after(data: Path) -> tuple[Served, float]:
    started = time.perf_counter()
    served = Served(data)
    served.wait_healthy(600)
    return served, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=3000)
    parser.add_argument("m", nargs="?", type=int, default=3000)
    parser.add_argument("--idle", type=float, default=70)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="refnet-serve-restart-") as directory:
        data = Path(directory) / "data"
        served, empty_start = healthy_after(data)
        try:
            served.ok(REGISTER, id="root")
            print(f"started on an empty data dir in {empty_start:.2f} s; idling {args.idle:.0f} s", flush=True)
            time.sleep(args.idle)
            assert served.post(REGISTER, id="after-idle", s="root").get("data"), "the service died while idle"
            rng = random.Random(5)
            ids = ["root", "after-idle"]
            started = time.perf_counter()
            for first in range(0, args.n, 200):
                batch = [f"m{i}" for i in range(first, min(args.n, first + 200))]
                sponsors = [ids[int(len(ids) * rng.random() ** 3)] for _ in batch]
                with concurrent.futures.ThreadPoolExecutor(4) as pool:
                    bodies = list(pool.map(lambda p: served.post(REGISTER, id=p[0], s=p[1]), zip(batch, sponsors)))
                ids += [m for m, body in zip(batch, bodies) if not body.get("errors")]
            orders = [(f"o{i}", rng.choice(ids), rng.choice(("1000.00", "5000.00"))) for i in range(args.m)]
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                recorded = sum(not body.get("errors") for body in pool.map(
                    lambda o: served.post(ORDER, id=o[0], b=o[1], a=o[2]), orders))
            print(f"grew {len(ids):,} members and {recorded:,} orders through the API in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
        finally:
            served.kill()
        aof = data / "falkordb" / "appendonlydir"
        sizes = {p.name.split(".")[-2]: p.stat().st_size for p in aof.iterdir() if p.suffix in (".aof", ".rdb")}
        print(f"append-only file after the kill: {sizes}")
        served, restart = healthy_after(data)
        try:
            count = served.ok('{ downline(id: "root", tree: SPONSOR) { member { id } } }')["downline"]
            assert len(count) == len(ids) - 1, (len(count), len(ids))
        finally:
            served.stop()
        print(f"restart after SIGKILL until /healthz answered: {restart:.2f} s (empty data dir: {empty_start:.2f} s; "
              f"ratio {restart / empty_start:.2f}); every member there")
        print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
