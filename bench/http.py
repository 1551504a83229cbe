"""HTTP throughput against a real `refnet serve` (uvicorn) on loopback: a trivial query's rate
(`{ __typename }`, the floor: the whole HTTP + GraphQL stack and nothing of refnet's),
registrations per second — one per request through `registerMember` (booked by the service's
group commit), and batches of 100 through `registerMembers` — and orders per second the same two
ways (`recordOrder`, `recordOrders`) at 1, 8 and 32 concurrent clients, with the ratio writes ÷
trivial per concurrency, and for one client the floor of a lone write: the trivial request plus
the write's own statement, timed on the server's database with none of refnet's Python
(`bench.http_floor`). The server is a subprocess on a fresh data dir, grown to N members through
`registerMembers` before measuring;
clients are asyncio tasks in this process (they share the machine's cores with the server).
Every loop is bounded: a fixed number of requests or a deadline, whichever comes first.

    python -m bench.http [N] [--requests R] [--clients 1,8,32]   (default: N = 10000, R = 400 per measure)
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
from bench.http_floor import statement_floor

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


async def measure(url: str, clients: int, total: int, body_of: Callable[[], dict[str, Any]]) -> float:
    """Requests per second of `clients` tasks sharing `total` requests (or the deadline)."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    done = [0]
    deadline = time.perf_counter() + DEADLINE_SECONDS
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as http:
        async def client() -> None:
            while done[0] < total and time.perf_counter() < deadline:
                done[0] += 1
                response = await http.post("/graphql", json=body_of())
                body = response.json()
                if response.status_code != 200 or body.get("errors") or '"code"' in response.text:
                    raise RuntimeError(f"{response.status_code}: {str(body)[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
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


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", default=",".join(map(str, CONCURRENCY)),
                        help="concurrencies to measure, comma-separated (default 1,8,32)")
    args = parser.parse_args(argv)
    concurrency = [int(clients) for clients in args.clients.split(",")]
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="refnet-bench-http-") as directory:
        data = Path(directory) / "data"
        port = free_port()
        log = (Path(directory) / "serve.log").open("wb")
        env = {**os.environ, "REFNET_ADMIN_TOKEN": TOKEN, "REFNET_ROTATION_JOB": "off", "REFNET_GRAPH_URL": ""}
        server = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(1800):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                raise RuntimeError("refnet serve did not come up: " + (Path(directory) / "serve.log").read_text()[-2000:])
            ids = grow(url, args.n, rng)
            counter = [0]

            def register_body() -> dict:
                counter[0] += 1
                return {"query": REGISTER, "variables": {"input": {
                    "id": f"h{counter[0]}", "name": "Member", "sponsorId": skewed_sponsor(ids, rng)}}}

            def batch_body() -> dict:
                inputs = []
                for _ in range(BATCH):
                    counter[0] += 1
                    inputs.append({"id": f"h{counter[0]}", "name": "Member", "sponsorId": skewed_sponsor(ids, rng)})
                return {"query": REGISTER_MANY, "variables": {"inputs": inputs}}

            def order_input() -> dict:
                counter[0] += 1
                return {"id": f"ho{counter[0]}", "buyerId": rng.choice(ids), "amount": rng.choice(PRICES)}

            def order_body() -> dict:
                return {"query": ORDER, "variables": {"input": order_input()}}

            def orders_body() -> dict:
                return {"query": ORDER_MANY, "variables": {"inputs": [order_input() for _ in range(BATCH)]}}

            asyncio.run(measure(url, 1, 20, lambda: TRIVIAL))  # warm up
            rows = []
            for clients in concurrency:
                trivial = asyncio.run(measure(url, clients, args.requests, lambda: TRIVIAL))
                single = asyncio.run(measure(url, clients, args.requests, register_body))
                batched = BATCH * asyncio.run(measure(url, clients, max(clients, args.requests // 20), batch_body))
                order = asyncio.run(measure(url, clients, args.requests, order_body))
                orders = BATCH * asyncio.run(measure(url, clients, max(clients, args.requests // 20), orders_body))
                load = Path("/proc/loadavg").read_text().split()[0]
                rows.append((clients, trivial, single, batched, order, orders, load))
                print(f"  {clients} clients done (load {load})", file=sys.stderr, flush=True)
            floor = statement_floor(data, args.n)
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"members at start: {args.n:,}; registerMembers / recordOrders batches of {BATCH}")
    print(f"{'clients':>7} {'trivial/s':>10} {'registerMember/s':>17} {'÷ trivial':>9} "
          f"{'registerMembers/s':>18} {'÷ trivial':>9} {'recordOrder/s':>14} {'÷ trivial':>9} "
          f"{'recordOrders/s':>15} {'÷ trivial':>9} {'load':>6}")
    for clients, trivial, single, batched, order, orders, load in rows:
        print(f"{clients:>7} {trivial:>10,.0f} {single:>17,.0f} {single / trivial:>9.2f} "
              f"{batched:>18,.0f} {batched / trivial:>9.2f} {order:>14,.0f} {order / trivial:>9.2f} "
              f"{orders:>15,.0f} {orders / trivial:>9.2f} {load:>6}")
    print(f"statements on the server's database (scratch graph of {args.n:,} members, means): "
          f"RETURN 1 {floor['return'] * 1000:.2f} ms, CREATE of one node {floor['create'] * 1000:.2f} ms, "
          f"refnet's registration statement {floor['register'] * 1000:.2f} ms, its order statement "
          f"{floor['order'] * 1000:.2f} ms")
    lone = [row for row in rows if row[0] == 1]
    if lone:
        _, trivial, single, _, order, _, _ = lone[0]
        for name, rate, statement in (("registerMember", single, floor["register"]), ("recordOrder", order, floor["order"])):
            best = 1 / (1 / trivial + statement)
            print(f"1 client, {name}: floor (trivial request + its statement) {best:,.0f}/s = {best / trivial:.2f} of "
                  f"trivial; measured {rate:,.0f}/s = {rate / best:.2f} of the floor")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main(sys.argv[1:])
