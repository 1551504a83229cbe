"""HTTP throughput against a real `refnet serve` (uvicorn) on loopback: a trivial query's rate
(`{ __typename }`, the floor: the whole HTTP + GraphQL stack and nothing of refnet's),
registrations per second — one per request through `registerMember` (booked by the service's
group commit), and batches of 100 through `registerMembers` — and orders per second the same two
ways (`recordOrder`, `recordOrders`) at 1, 8 and 32 concurrent clients, with the ratio writes ÷
trivial per concurrency. Then the floor of a lone write: one client's trivial requests,
`registerMember`s and `recordOrder`s interleaved round by round with refnet's own statements
booked bare on a scratch graph of the server's database (`bench.http_floor`), so that each sees
the same machine; a lone write can cost no less than a trivial request plus its statement. The
server is a subprocess on a fresh data dir, grown to N members through
`registerMembers` before measuring;
clients are asyncio tasks in this process (they share the machine's cores with the server).
Every loop is bounded: a fixed number of requests or a deadline, whichever comes first.

    python -m bench.http [N] [--requests R] [--clients 1,8,32] [--rounds L] [--batch B] [--data DIR]
    (default: N = 10000, R = 400 per measure, L = 300 interleaved rounds of lone writes, B = 100)

`--data DIR` keeps the server's data dir: a later run on it skips the growth (the network is the
one grown before, plus what earlier runs registered; their ids are not reused) and measures once
the working set is installed. `--rounds 0` skips the lone writes; `--only` picks the measures
(trivial is always measured: it is the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.common import skewed_sponsor
from bench.http_floor import ScratchGraph

TOKEN = "bench-http-admin"
CONCURRENCY = (1, 8, 32)
BATCH = 100
DEADLINE_SECONDS = 30.0
TRIVIAL = {"query": "{ __typename }"}
REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id } }"
REGISTER_MANY = "mutation($inputs: [RegisterInput!]!) { registerMembers(inputs: $inputs) { error { code } } }"
ORDER = "mutation($input: OrderInput!) { recordOrder(input: $input) { id } }"
ORDER_MANY = "mutation($inputs: [OrderInput!]!) { recordOrders(inputs: $inputs) { error { code } } }"
PRICES = ["1000.00"] * 16 + ["5000.00"] * 3 + ["10000.00"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def lone_writes(url: str, scratch: ScratchGraph, rounds: int,
                      bodies: dict[str, Callable[[], dict[str, Any]]]) -> dict[str, float]:
    """Mean seconds of each request of `bodies` and of each bare statement, one at a time,
    interleaved round by round (or until the deadline)."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    statements = {"create": scratch.create, "register statement": scratch.register, "order statement": scratch.order}
    spent = dict.fromkeys([*bodies, *statements], 0.0)
    done = 0
    deadline = time.perf_counter() + DEADLINE_SECONDS
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
        while done < rounds and time.perf_counter() < deadline:
            for name, body_of in bodies.items():
                body = body_of()
                started = time.perf_counter()
                response = await http.post("/graphql", json=body)
                spent[name] += time.perf_counter() - started
                if response.status_code != 200 or response.json().get("errors") or '"code"' in response.text:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
            for name, book in statements.items():
                started = time.perf_counter()
                book()
                spent[name] += time.perf_counter() - started
            done += 1
    return {name: seconds / done for name, seconds in spent.items()}


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) used so far by process `pid` and by its children (the
    embedded database, with the append-only file rewrites it forked and reaped): what a measure
    costs whatever else the machine runs."""
    def used(stat: str) -> float:
        fields = stat.rsplit(")", 1)[1].split()
        return sum(int(field) for field in fields[11:15]) / TICK

    own, children = used(Path(f"/proc/{pid}/stat").read_text()), 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children += used(stat)
    return own, children


class CpuMeter:
    """The server's and its database's CPU seconds per write of each measure run through it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.per_write: dict[str, tuple[float, float]] = {}

    def measure(self, name: str, writes_per_request: int, run: Callable[[], float]) -> float:
        before = cpu_seconds(self.pid)
        rate = run()
        after = cpu_seconds(self.pid)
        writes = max(1, LAST_COUNT[0] * writes_per_request)
        self.per_write[name] = ((after[0] - before[0]) / writes, (after[1] - before[1]) / writes)
        return rate


LAST_COUNT = [0]  # requests the last `measure` made


async def measure(url: str, clients: int, total: int, body_of: Callable[[], dict[str, Any]]) -> float:
    """Requests per second of `clients` tasks sharing `total` requests (or the deadline)."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    done = [0]
    deadline = time.perf_counter() + DEADLINE_SECONDS
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=600) as http:
        async def client() -> None:
            while done[0] < total and time.perf_counter() < deadline:
                done[0] += 1
                response = await http.post("/graphql", json=body_of())
                body = response.json()
                if response.status_code != 200 or body.get("errors") or '"code"' in response.text:
                    raise RuntimeError(f"{response.status_code}: {str(body)[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        LAST_COUNT[0] = done[0]
        return done[0] / (time.perf_counter() - started)


def grow(url: str, n: int, rng: random.Random) -> list[str]:
    """A root and n members with skewed sponsors, registered through the server itself in
    batches of 1,000 (reopening a data dir the bench loaded in bulk replays its whole log)."""
    ids = ["root"]
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600) as http:
        pending = [{"id": "root", "name": "Company"}]
        for index in range(n):
            sponsor = skewed_sponsor(ids, rng)
            pending.append({"id": f"m{index}", "name": "Member", "sponsorId": sponsor})
            ids.append(f"m{index}")
            if len(pending) == 1000 or index == n - 1:
                body = http.post("/graphql", json={"query": REGISTER_MANY, "variables": {"inputs": pending}}).json()
                assert not body.get("errors") and all(r["error"] is None for r in body["data"]["registerMembers"])
                pending = []
    return ids


def wait_healthy(url: str, log: Path) -> None:
    """Until the server at `url` answers /healthz (three minutes at most; then its log's end)."""
    for _ in range(1800):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("refnet serve did not come up: " + log.read_text(errors="replace")[-2000:])


def wait_for_working_set(log: Path, seconds: float = 600.0) -> None:
    """Until the server's log says its working set was loaded beside the writer and installed
    (a reused data dir: the server starts before it is)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if "working set installed" in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise RuntimeError("the server's working set was not installed in time: " + log.read_text()[-2000:])


MEASURES = ("register", "registers", "order", "orders")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=300,
                        help="rounds of lone writes interleaved with their bare statements (default 300)")
    parser.add_argument("--batch", type=int, default=BATCH,
                        help=f"inputs per registerMembers / recordOrders request (default {BATCH})")
    parser.add_argument("--clients", default=",".join(map(str, CONCURRENCY)),
                        help="concurrencies to measure, comma-separated (default 1,8,32)")
    parser.add_argument("--data", help="the server's data dir, kept for later runs (default: a fresh temporary one)")
    parser.add_argument("--only", default=",".join(MEASURES),
                        help=f"measures besides trivial, comma-separated (default {','.join(MEASURES)})")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    concurrency = [int(clients) for clients in args.clients.split(",")]
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="refnet-bench-http-") as directory:
        data = Path(args.data) if args.data else Path(directory) / "data"
        reused = (data / "grown").exists()
        run_tag = f"{int(time.time()):x}"  # a reused data dir holds the ids of earlier runs
        port = free_port()
        log = (Path(directory) / "serve.log").open("wb")
        env = {**os.environ, "REFNET_ADMIN_TOKEN": TOKEN, "REFNET_ROTATION_JOB": "off", "REFNET_GRAPH_URL": ""}
        server = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, Path(directory) / "serve.log")
            if reused:
                wait_for_working_set(Path(directory) / "serve.log")
                ids = ["root", *(f"m{index}" for index in range(int((data / "grown").read_text())))]
            else:
                ids = grow(url, args.n, rng)
                if args.data:
                    (data / "grown").write_text(str(args.n))
            counter = [0]

            def register_body() -> dict:
                counter[0] += 1
                return {"query": REGISTER, "variables": {"input": {
                    "id": f"h{run_tag}-{counter[0]}", "name": "Member", "sponsorId": skewed_sponsor(ids, rng)}}}

            def batch_body() -> dict:
                inputs = []
                for _ in range(args.batch):
                    counter[0] += 1
                    inputs.append({"id": f"h{run_tag}-{counter[0]}", "name": "Member", "sponsorId": skewed_sponsor(ids, rng)})
                return {"query": REGISTER_MANY, "variables": {"inputs": inputs}}

            def order_input() -> dict:
                counter[0] += 1
                return {"id": f"ho{run_tag}-{counter[0]}", "buyerId": rng.choice(ids), "amount": rng.choice(PRICES)}

            def order_body() -> dict:
                return {"query": ORDER, "variables": {"input": order_input()}}

            def orders_body() -> dict:
                return {"query": ORDER_MANY, "variables": {"inputs": [order_input() for _ in range(args.batch)]}}

            asyncio.run(measure(url, 1, 20, lambda: TRIVIAL))  # warm up
            meter = CpuMeter(server.pid)
            rows = []
            for clients in concurrency:
                trivial = asyncio.run(measure(url, clients, args.requests, lambda: TRIVIAL))
                many = max(clients, args.requests // 20)

                def rate_of(name: str, total: int, body_of: Callable[[], dict], per_request: int = 1) -> float:
                    if name not in only:
                        return 0.0
                    return per_request * meter.measure(f"{name} {clients}", per_request, lambda: asyncio.run(
                        measure(url, clients, total, body_of)))

                single = rate_of("register", args.requests, register_body)
                batched = rate_of("registers", many, batch_body, args.batch)
                order = rate_of("order", args.requests, order_body)
                orders = rate_of("orders", many, orders_body, args.batch)
                load = Path("/proc/loadavg").read_text().split()[0]
                rows.append((clients, trivial, single, batched, order, orders, load))
                print(f"  {clients} clients done (load {load})", file=sys.stderr, flush=True)
            lone: dict[str, float] = {}
            if args.rounds:
                scratch = ScratchGraph(data, args.n)
                try:
                    lone = asyncio.run(lone_writes(url, scratch, args.rounds, {
                        "trivial": lambda: TRIVIAL, "registerMember": register_body, "recordOrder": order_body}))
                finally:
                    scratch.close()
            lone_load = Path("/proc/loadavg").read_text().split()[0]
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"members at start: {args.n:,}; registerMembers / recordOrders batches of {args.batch:,}")
    print(f"{'clients':>7} {'trivial/s':>10} {'registerMember/s':>17} {'÷ trivial':>9} "
          f"{'registerMembers/s':>18} {'÷ trivial':>9} {'recordOrder/s':>14} {'÷ trivial':>9} "
          f"{'recordOrders/s':>15} {'÷ trivial':>9} {'load':>6}")
    for clients, trivial, single, batched, order, orders, load in rows:
        print(f"{clients:>7} {trivial:>10,.0f} {single:>17,.0f} {single / trivial:>9.2f} "
              f"{batched:>18,.0f} {batched / trivial:>9.2f} {order:>14,.0f} {order / trivial:>9.2f} "
              f"{orders:>15,.0f} {orders / trivial:>9.2f} {load:>6}")
    print("CPU per write, whatever else the machine runs (ms of the server process / of its database):")
    for name, (own, database) in meter.per_write.items():
        print(f"  {name} clients: {own * 1000:.3f} / {database * 1000:.3f} ms, together {(own + database) * 1000:.3f} ms "
              f"= {1 / (own + database):,.0f} writes per CPU second")
    if not lone:
        print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        return
    print(f"lone writes, 1 client, {args.rounds} rounds interleaved with refnet's statements booked bare on a "
          f"scratch graph of {args.n:,} members (means; load {lone_load}):")
    print(f"  statements alone: CREATE of one node {lone['create'] * 1000:.2f} ms, registration "
          f"{lone['register statement'] * 1000:.2f} ms, order {lone['order statement'] * 1000:.2f} ms")
    trivial = lone["trivial"]
    print(f"  trivial request {trivial * 1000:.2f} ms")
    for name, statement in (("registerMember", "register statement"), ("recordOrder", "order statement")):
        floor = trivial + lone[statement]
        print(f"  {name} {lone[name] * 1000:.2f} ms = {trivial / lone[name]:.2f} of the trivial rate; floor (trivial "
              f"+ its statement) {floor * 1000:.2f} ms = {trivial / floor:.2f} of it; refnet's own part "
              f"{(lone[name] - floor) * 1000:.2f} ms, measured ÷ floor {floor / lone[name]:.2f}")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main(sys.argv[1:])
