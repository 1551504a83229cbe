"""Helpers of the operations tests: `refnet` as a subprocess, its HTTP API, ledger checks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).parent.parent
REGISTER = 'mutation($id: ID!, $s: ID) { registerMember(input: {id: $id, name: "M", sponsorId: $s}) { id } }'
ORDER = 'mutation($id: ID!, $b: ID!, $a: Money!) { recordOrder(input: {id: $id, buyerId: $b, amount: $a}) { id } }'
ORDER_AT = ('mutation($id: ID!, $b: ID!, $a: Money!, $at: DateTime!) '
            '{ recordOrder(input: {id: $id, buyerId: $b, amount: $a, at: $at}) { id } }')


def last_month(now: float | None = None) -> str:
    """The month before the one holding `now` (default: now), UTC: a month that has ended."""
    today = time.gmtime(now)
    return f"{today.tm_year - 1}-12" if today.tm_mon == 1 else f"{today.tm_year}-{today.tm_mon - 1:02d}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def refnet_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REFNET_ROTATION_JOB": "off", **extra}
    env.pop("REFNET_GRAPH_URL", None)
    env.pop("REFNET_PLAN", None)
    return env


def refnet(*arguments: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs one `refnet` command to its end."""
    return subprocess.run([sys.executable, "-m", "cli", *arguments], env=refnet_env(**env),
                          capture_output=True, text=True, timeout=timeout)


class Served:
    """`refnet serve` in its own process group, on a free port."""

    def __init__(self, data: Path, *arguments: str, log: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115 -- the child's output, for its life
        command = [sys.executable, "-m", "cli", "serve", "--data", str(data), "--port", str(self.port), *arguments]
        self.process = subprocess.Popen(command, env=refnet_env(**(env or {})), stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_healthy(self, seconds: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"refnet serve exited with {self.process.returncode}")
            try:
                response = httpx.get(f"{self.url}/healthz", timeout=5)
                if response.status_code == 200:
                    return response.json()
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.url} did not become healthy in {seconds} s")

    @classmethod
    def answer(cls, data: Path, query: str, **variables: Any) -> dict[str, Any]:
        """What `refnet serve` on `data`, started for this one query and stopped, answers."""
        served = cls(data)
        try:
            served.wait_healthy()
            return served.ok(query, **variables)
        finally:
            served.stop()

    def post(self, query: str, **variables: Any) -> dict[str, Any]:
        return httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables}, timeout=60).json()

    def ok(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(query, **variables)
        assert not body.get("errors"), body
        return body["data"]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL of refnet's process group; its database server follows (PR_SET_PDEATHSIG)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def ledger_state(store: Any, archive: Path | None = None) -> tuple[dict[str, int], dict[str, list[tuple[str, int]]]]:
    """Orders (id → amount in cents) and each order's own entries (id, cents): in the graph and,
    with `archive` (the archive root), in the files of the periods moved there (issue 19)."""
    recorded = [row for row in store.run("archived_periods") if not row.get("closing")]  # a close file: no order's own
    removing = [row["period"] for row in recorded if not row["removed"]]
    orders = {row["id"]: int(row["amount"]) for row in store.run_text(
        "MATCH (o:Order) WHERE NOT coalesce(o.archive, '') IN $removing RETURN o.id AS id, o.amount AS amount",
        {"removing": removing})}
    entries: dict[str, list[tuple[str, int]]] = {}
    rows = store.run_text("MATCH (e:Entry) WHERE e.id STARTS WITH 'order:' AND NOT coalesce(e.period, '') IN $removing "
                          "RETURN e.order_id AS order_id, e.id AS id, e.amount AS amount", {"removing": removing})
    if archive is not None:
        from graph.ledger.history import History, order_entries, select_rows

        files = [str(archive / row["period"] / "entries.parquet") for row in recorded]
        h = History(files, removing, tuple(name for name, row in zip(files, recorded, strict=True)
                                           if row["orders"] is not None))
        if h.order_files:  # closed months' orders moved with them
            orders.update({row["id"]: int(row["amount"]) for row in select_rows(
                "SELECT id, amount FROM read_parquet(?)", [h.order_files])})
        rows += [row for row in order_entries(h, sorted(orders)) if row["id"].startswith("order:")]
    for row in rows:
        entries.setdefault(row["order_id"], []).append((row["id"], int(row["amount"])))
    return orders, entries


def check_conservation(store: Any, archive: Path | None = None) -> int:
    """Every order's own entries add up to its amount, none is booked twice; returns the orders."""
    orders, entries = ledger_state(store, archive)
    order_ids = [row["id"] for row in store.run_text("MATCH (o:Order) RETURN o.id AS id")]
    assert len(order_ids) == len(set(order_ids)), "an order recorded twice"
    for order_id, amount in orders.items():
        booked = entries.get(order_id, [])
        assert len({entry_id for entry_id, _ in booked}) == len(booked), f"{order_id}: an entry booked twice"
        assert sum(cents for _, cents in booked) == amount, f"{order_id}: entries {booked} do not add up to {amount}"
    assert set(entries) <= set(orders), "entries of an order that is not there"
    return len(orders)


def member_ids(store: Any) -> set[str]:
    return {row["id"] for row in store.run_text("MATCH (m:Member) RETURN m.id AS id")}
