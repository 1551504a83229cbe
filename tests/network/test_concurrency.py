"""Many registrations at once under one sponsor: no shared slot, no lost member."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn

from api.app import create_app
from graph.network import members
from graph.service import Refnet
from tests.support.trees import assert_sound_tree

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id slot } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def live_server(rn: Refnet) -> Iterator[str]:
    """refnet served by uvicorn on a free loopback port, for real parallel HTTP requests."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(lambda: rn, jobs=[]), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_parallel_http_registrations_under_one_sponsor(rn):
    with live_server(rn) as url:
        with httpx.Client(timeout=30) as client:
            client.post(url, json={"query": REGISTER, "variables": {"input": {"id": "S", "name": "S"}}}).raise_for_status()

            def register(index: int) -> dict:
                payload = {"query": REGISTER, "variables": {"input": {"id": f"m{index}", "name": "M", "sponsorId": "S"}}}
                return client.post(url, json=payload).json()

            with ThreadPoolExecutor(max_workers=16) as pool:
                answers = list(pool.map(register, range(60)))
        assert all(not answer.get("errors") for answer in answers), answers
    assert_sound_tree(rn, {"S"} | {f"m{i}" for i in range(60)})
    assert members.get_member(rn, "S").referrals == 60


def test_two_engines_on_one_graph_never_share_a_slot(store):
    """Two engines stand for two refnet processes: separate locks, one graph."""
    first, second = Refnet.start(store), Refnet.start(store)
    members.register(first, "S", member_id="S")

    def register(index: int) -> None:
        engine = first if index % 2 else second
        members.register(engine, "M", sponsor_id="S", member_id=f"m{index}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(register, range(40)))
    assert_sound_tree(first, {"S"} | {f"m{i}" for i in range(40)})


ORDER = "mutation($input: OrderInput!) { recordOrder(input: $input) { id at entries { id } } }"


def test_parallel_http_recordings_of_one_order_book_once(rn):
    with live_server(rn) as url, httpx.Client(timeout=30) as client:
        for member_id, sponsor in (("S", None), ("A", "S")):
            client.post(url, json={"query": REGISTER, "variables": {
                "input": {"id": member_id, "name": member_id, "sponsorId": sponsor}}}).raise_for_status()

        def record(index: int) -> dict:
            order = {"id": f"o-{index % 2}", "buyerId": "A", "amount": "1000.00"}
            return client.post(url, json={"query": ORDER, "variables": {"input": order}}).json()

        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(record, range(24)))
    assert all(not answer.get("errors") for answer in answers), answers
    for order_id in ("o-0", "o-1"):
        seen = [a["data"]["recordOrder"] for a in answers if a["data"]["recordOrder"]["id"] == order_id]
        assert len(seen) == 12 and all(s == seen[0] for s in seen)
        assert len(seen[0]["entries"]) == 9
    count = rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"]
    assert count == 18
    assert rn.store.run_text("MATCH (m:Member {id: 'A'}) RETURN m.packages AS p")[0]["p"] == 2
