"""Where one batch's time goes (issue 18, batch over HTTP): at N members (loaded in bulk, working
set on), books `recordOrders` / `registerMembers` batches of B in process (the batch function
alone) and over HTTP (a real uvicorn serving the same engine in a thread of this process, one
client), and prints per batch its wall time split into phases, each timed by wrapping the
function that does it (`Phases`): the request body's checks, GraphQL's coercion of the variables
and strawberry's conversion of the arguments, the batch function and within it the plan's
computation, the statement's parameters, their rendering as Cypher text, the statement's round
trip with FalkorDB's own time (the result's `run_time_ms`), the working set's fold, and the
response's JSON encoding. What no phase names (parse, validation, result building, the HTTP
server) is the rest of the wall time.

    python -m bench.batch_profile [N] [--batch B] [--rounds R]   (default: N = 100000, B = 1000, R = 3)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bench.common import bulk_network, engine, skewed_sponsor
from bench.http import ORDER_MANY, PRICES, REGISTER_MANY, TOKEN, free_port
from graph import working_set
from graph.ledger import order_batch
from graph.network import batch as register_batch


class Phases:
    """Wall time spent inside chosen functions, by wrapping them for the duration (each is
    called a few times or a few thousand times per batch: the wrapper's cost is negligible,
    and unlike a sampler inside the process it is not biased by who holds the GIL). A phase
    nested in another is counted in both (listed as "of which")."""

    def __init__(self, targets: list[tuple[str, Any, str]]) -> None:
        self.targets = targets  # (label, owner object, attribute name)
        self.seconds: dict[str, float] = dict.fromkeys([label for label, _, _ in targets], 0.0)
        self.calls: Counter[str] = Counter()
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> "Phases":
        for label, owner, name in self.targets:
            original = getattr(owner, name)
            self._saved.append((owner, name, original))
            setattr(owner, name, self._timed(label, original))
        return self

    def _timed(self, label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        import inspect

        if inspect.iscoroutinefunction(original):
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    self.seconds[label] += time.perf_counter() - started
                    self.calls[label] += 1
            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1
        return timed

    def __exit__(self, *exc: Any) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()


def phase_targets() -> list[tuple[str, Any, str]]:
    """What a batch's time is split into, outermost first."""
    import graphql.execution.executor as executor
    from strawberry.http.async_base_view import AsyncBaseHTTPView
    from strawberry.schema import schema_converter

    import api.app
    from graph import working_set as ws_module
    from graph.ledger import order_batch as ob
    from graph.network import batch as rb
    from graph.store import falkor_store

    return [
        ("HTTP body checks (api.transport)", api.app, "decode_json"),
        ("GraphQL: variables coerced (graphql-core)", executor, "get_variable_values"),
        ("GraphQL: arguments converted (strawberry)", schema_converter, "convert_arguments"),
        ("GraphQL: response encoded as JSON", AsyncBaseHTTPView, "encode_json_string"),
        ("batch function (record_many / register_many)", ob, "record_many"),
        ("batch function (record_many / register_many)", rb, "register_many"),
        ("  of which: orders computed (plan hooks)", ob, "prepare_order"),
        ("  of which: placements computed", rb, "_register_one"),
        ("  of which: statement parameters built", ob.PendingOrders, "params"),
        ("  of which: parameters rendered as Cypher text", falkor_store, "params_header"),
        ("  of which: working set folded", ws_module.WorkingSet, "fold_orders"),
        ("  of which: working set folded", ws_module.WorkingSet, "fold_registrations"),
    ]


class StatementTimes:
    """FalkorDB's own time (`run_time_ms`) and the client's wall time of every statement sent."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.graph = store.graph
        self.db_ms = 0.0
        self.wall_s = 0.0
        self.statements = 0
        self.chars = 0
        self.names: Counter[str] = Counter()

    def __enter__(self) -> "StatementTimes":
        for method in ("query", "ro_query"):
            self._timed(method)
        run = self.store.run

        def named(name: str, params: Any = None) -> Any:
            self.names[name] += 1
            return run(name, params)

        self.store.run = named
        return self

    def _timed(self, method: str) -> None:
        original = getattr(self.graph, method)

        def query(text: str, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = original(text, *args, **kwargs)
            self.wall_s += time.perf_counter() - started
            self.db_ms += float(result.run_time_ms)
            self.statements += 1
            self.chars += len(text)
            return result

        setattr(self.graph, method, query)

    def __exit__(self, *exc: Any) -> None:
        for method in ("query", "ro_query"):
            self.graph.__dict__.pop(method, None)
        self.store.__dict__.pop("run", None)


def report(title: str, wall: float, statements: StatementTimes, phases: Phases, count: int) -> None:
    print(f"{title}: {wall * 1000:.0f} ms wall for {count} ({count / wall:,.0f}/s)")
    shown = dict(phases.seconds)
    label = "  of which: statement sent, run, answered"
    at = list(shown).index("  of which: statement parameters built")
    items = list(shown.items())
    items.insert(at, (label, statements.wall_s))
    for name, seconds in items:
        if seconds:
            print(f"    {name:<50} {seconds * 1000:7.1f} ms {100 * seconds / wall:5.1f} %")
    print(f"    {'    of which: FalkorDB own time (run_time_ms)':<50} {statements.db_ms:7.1f} ms "
          f"{statements.db_ms / 10 / wall:5.1f} %")
    print(f"    {statements.statements} statements (" + ", ".join(f"{name} ×{n}" for name, n in statements.names.most_common())
          + f"), {statements.chars / 1000:.0f} kB of Cypher text")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(3)
    with engine() as rn:
        started = time.perf_counter()
        ids = bulk_network(rn, args.n)
        working_set.enable(rn)
        print(f"  {args.n:,} members built and the working set loaded in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        counter = [0]

        def order_inputs() -> list[dict[str, Any]]:
            made = []
            for _ in range(args.batch):
                counter[0] += 1
                made.append({"id": f"po{counter[0]}", "buyerId": rng.choice(ids), "amount": rng.choice(PRICES)})
            return made

        def register_inputs() -> list[dict[str, Any]]:
            made = []
            for _ in range(args.batch):
                counter[0] += 1
                made.append({"id": f"pr{counter[0]}", "name": "Member", "sponsorId": skewed_sponsor(ids, rng)})
            return made

        def in_process(kind: str) -> Callable[[], None]:
            if kind == "orders":
                items = [order_batch.OrderItem(i["id"], i["buyerId"], Decimal(i["amount"])) for i in order_inputs()]
                return lambda: _ok(order_batch.record_many(rn, items))
            regs = [register_batch.RegisterItem(i["name"], i["id"], i["sponsorId"]) for i in register_inputs()]
            return lambda: _ok(register_batch.register_many(rn, regs))

        for kind in ("orders", "registrations"):
            for _ in range(args.rounds):
                run = in_process(kind)
                with StatementTimes(rn.store) as statements, Phases(phase_targets()) as phases:
                    began = time.perf_counter()
                    run()
                    wall = time.perf_counter() - began
                report(f"in process, {kind}", wall, statements, phases, args.batch)

        import uvicorn

        from api.app import create_app

        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(lambda: rn, jobs=[]), host="127.0.0.1", port=port,
                                               log_level="warning"))
        serving = threading.Thread(target=server.run, name="uvicorn", daemon=True)
        serving.start()
        url = f"http://127.0.0.1:{port}"
        while not server.started:
            time.sleep(0.05)
        import os

        os.environ["REFNET_ADMIN_TOKEN"] = TOKEN
        try:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600) as http:
                http.post("/graphql", json={"query": "{ __typename }"})
                for kind, query, field, make in (("orders", ORDER_MANY, "recordOrders", order_inputs),
                                                 ("registrations", REGISTER_MANY, "registerMembers", register_inputs)):
                    for _ in range(args.rounds):
                        body = {"query": query, "variables": {"inputs": make()}}
                        content = json.dumps(body).encode()  # encoded beforehand: the client's work is not timed
                        with StatementTimes(rn.store) as statements, Phases(phase_targets()) as phases:
                            began = time.perf_counter()
                            response = http.post("/graphql", content=content,
                                                 headers={"content-type": "application/json"})
                            wall = time.perf_counter() - began
                        data = response.json()
                        assert not data.get("errors") and all(r["error"] is None for r in data["data"][field]), data
                        report(f"over HTTP, {kind}", wall, statements, phases, args.batch)
        finally:
            server.should_exit = True
            serving.join(timeout=30)
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


def _ok(outcomes: list[Any]) -> None:
    assert all(outcome.error is None for outcome in outcomes), [o.error for o in outcomes if o.error][:3]


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main(sys.argv[1:])
