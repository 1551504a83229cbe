"""Where one client's lone request spends its time, on both sides of the wire: a real `refnet
serve` (10,000 members by default, grown through `registerMembers`) runs with checkpoints at
the GraphQL view's entry, the group commit's queue, the writer's turn, each database statement,
the response's start and its end; one client sends trivial queries (`{ __typename }`), then
lone `registerMember`s, then lone `recordOrder`s, each for a few seconds. Printed per kind: the
client's mean, the server's phases, and what is left to the client and the wire (the client's
mean minus the server's). A lone write can cost no less than the client and wire's share plus its
statement, nor less than its whole request without the statement's time; the issue's target is
1.5 × the trivial request.

    python -m bench.http_breakdown [N] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import skewed_sponsor
from bench.http import ORDER, PRICES, REGISTER, TOKEN, TRIVIAL, free_port, grow, wait_healthy

PHASES = ("graphql before the write", "hand-over to the writer", "writer's Python", "statements (database)",
          "hand-back and graphql after", "response sent")


def _serve_with_checkpoints(argv: list[str]) -> int:
    """In the server process: wraps the view, the group commit and the store with timestamps,
    writes the phases' means to $REFNET_BREAKDOWN_FILE at SIGUSR1 (and forgets them), serves."""
    import api.app
    import graph.group_commit
    import graph.store.falkor_store
    from cli import main as cli

    marks: list[tuple[str, float]] = []
    clock = time.perf_counter

    view_call = api.app.RefnetGraphQL.__call__

    async def call(self: Any, scope: Any, receive: Any, send: Any) -> None:
        marks.append(("enter", clock()))

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                marks.append(("respond", clock()))
            await send(message)

        await view_call(self, scope, receive, sending)
        marks.append(("exit", clock()))

    def wrapped(owner: Any, name: str, before: str, after: str | None = None) -> None:
        original = getattr(owner, name)

        def checkpointed(*args: Any, **kwargs: Any) -> Any:
            marks.append((before, clock()))
            try:
                return original(*args, **kwargs)
            finally:
                if after is not None:
                    marks.append((after, clock()))

        setattr(owner, name, checkpointed)

    api.app.RefnetGraphQL.__call__ = call  # type: ignore[method-assign]
    wrapped(graph.group_commit.GroupCommit, "submit", "submit")
    wrapped(graph.group_commit.GroupCommit, "_book", "book", "booked")
    wrapped(graph.store.falkor_store.FalkorStore, "run_text", "statement", "statement end")

    def report(*_: Any) -> None:
        taken, marks[:] = list(marks), []
        Path(os.environ["REFNET_BREAKDOWN_FILE"]).write_text(json.dumps(phases_of(taken)))

    signal.signal(signal.SIGUSR1, report)
    return cli.main(argv)


def phases_of(marks: list[tuple[str, float]]) -> dict[str, float]:
    """Mean seconds of each phase over the requests in `marks` (a request: from one "enter" to
    the next); a request without a write has only the view's two phases."""
    requests: list[list[tuple[str, float]]] = []
    for mark in marks:
        if mark[0] == "enter":
            requests.append([mark])
        elif requests:
            requests[-1].append(mark)
    sums = dict.fromkeys(("server", *PHASES), 0.0)
    counted = 0
    for request in requests:
        first = {name: at for name, at in reversed(request)}
        last = dict(request)
        if "exit" not in last or "respond" not in last:
            continue
        if "submit" in first and not {"book", "booked"} <= set(last):
            continue  # its write was booked with another request's (group commit)
        sums["server"] += last["exit"] - first["enter"]
        counted += 1
        sums["response sent"] += last["exit"] - last["respond"]
        if "submit" not in first:
            sums["graphql before the write"] += last["respond"] - first["enter"]
            continue
        statements, started = 0.0, None
        for name, at in request:
            if name == "statement":
                started = at
            elif name == "statement end" and started is not None:
                statements, started = statements + at - started, None
        sums["graphql before the write"] += first["submit"] - first["enter"]
        sums["hand-over to the writer"] += first["book"] - first["submit"]
        sums["statements (database)"] += statements
        sums["writer's Python"] += last["booked"] - first["book"] - statements
        sums["hand-back and graphql after"] += last["respond"] - last["booked"]
    return {name: total / max(1, counted) for name, total in sums.items()} | {"requests": counted}


async def _lone(url: str, body_of: Any, seconds: float) -> float:
    """Mean seconds per request of one client sending `body_of()` for `seconds`."""
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as http:
        for _ in range(50):  # warm
            await http.post("/graphql", json=body_of())
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            response = await http.post("/graphql", json=body_of())
            if response.status_code != 200 or "errors" in response.json():
                raise RuntimeError(response.text[:300])
            done += 1
        return (time.perf_counter() - started) / done


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        sys.exit(_serve_with_checkpoints(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="members to grow first (default 10000)")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per kind of request (default 8)")
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="refnet-breakdown-") as directory:
        report = Path(directory) / "phases.json"
        port = free_port()
        env = {**os.environ, "REFNET_ADMIN_TOKEN": TOKEN, "REFNET_ROTATION_JOB": "off", "REFNET_GRAPH_URL": "",
               "REFNET_BREAKDOWN_FILE": str(report)}
        log = (Path(directory) / "serve.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "bench.http_breakdown", "--serve", "serve", "--data",
                                   str(Path(directory) / "data"), "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}"
        rows: dict[str, tuple[float, dict[str, float]]] = {}
        try:
            wait_healthy(url, Path(directory) / "serve.log")
            ids = grow(url, args.n, rng)
            counter = [0]

            def register() -> dict[str, Any]:
                counter[0] += 1
                return {"query": REGISTER, "variables": {"input": {
                    "id": f"b{counter[0]}", "name": "Member", "sponsorId": skewed_sponsor(ids, rng)}}}

            def order() -> dict[str, Any]:
                counter[0] += 1
                return {"query": ORDER, "variables": {"input": {
                    "id": f"bo{counter[0]}", "buyerId": rng.choice(ids), "amount": rng.choice(PRICES)}}}

            for name, body_of in (("trivial", lambda: TRIVIAL), ("registerMember", register), ("recordOrder", order)):
                asyncio.run(_lone(url, body_of, 1.0))  # its first requests, then a clean slate
                server.send_signal(signal.SIGUSR1)
                time.sleep(0.5)
                client = asyncio.run(_lone(url, body_of, args.seconds))
                report.unlink(missing_ok=True)
                server.send_signal(signal.SIGUSR1)
                deadline = time.monotonic() + 30
                while not report.exists():
                    if time.monotonic() > deadline:
                        raise RuntimeError("the server wrote no report: " + (Path(directory) / "serve.log")
                                           .read_text(errors="replace")[-2000:])
                    time.sleep(0.05)
                time.sleep(0.1)
                rows[name] = (client, json.loads(report.read_text()))
        finally:
            server.terminate()
            server.wait(timeout=60)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    trivial = rows["trivial"][0]
    print(f"one client, lone requests on {args.n:,} members, {args.seconds:g} s each (ms; load average {load})")
    print(f"{'':32}" + "".join(f"{name:>16}" for name in rows))
    print(f"{'client: whole request':32}" + "".join(f"{client * 1000:16.3f}" for client, _ in rows.values()))
    print(f"{'  client and wire':32}" + "".join(f"{(client - p['server']) * 1000:16.3f}" for client, p in rows.values()))
    print(f"{'  server: whole request':32}" + "".join(f"{p['server'] * 1000:16.3f}" for _, p in rows.values()))
    for phase in PHASES:
        print(f"{'    ' + phase:32}" + "".join(f"{p[phase] * 1000:16.3f}" for _, p in rows.values()))
    print(f"{'rate ÷ trivial rate':32}" + "".join(f"{trivial / client:16.2f}" for client, _ in rows.values()))
    wire = trivial - rows["trivial"][1]["server"]
    print(f"the issue's target, 1.5 × trivial: {1.5 * trivial * 1000:.3f} ms")
    for name in ("registerMember", "recordOrder"):
        client, phases = rows[name]
        statement = phases["statements (database)"]
        print(f"  {name}: the client and wire's share of a trivial request plus the write's statements "
              f"{(wire + statement) * 1000:.3f} ms; the whole request without its statements "
              f"{(client - statement) * 1000:.3f} ms = {(client - statement) / trivial:.2f} × trivial")


if __name__ == "__main__":
    main()
