"""The embedded database outlives the thread that opened it, and is restarted when it dies."""

from __future__ import annotations

import concurrent.futures
import logging
import os
import signal
import threading
import time

import httpx
import pytest
from starlette.testclient import TestClient

import graph.store.embedded
from api.app import create_app
from graph.network import members
from graph.service import Refnet
from graph.store.store import open_store
from tests.support.serve import REGISTER, Served

pytestmark = pytest.mark.integration  # refnet serve in subprocesses, data dirs of their own

DOWNLINE = '{ downline(id: "root", tree: SPONSOR) { member { id } } }'


def test_database_outlives_the_thread_that_opened_it_and_serve_idles(tmp_path):
    """The engine opened from a worker thread that then exits, and `refnet serve` after a burst of
    concurrent requests (its worker threads retire after 10 s idle): 30 s later both still answer."""
    opened: dict[str, Refnet] = {}
    worker = threading.Thread(target=lambda: opened.setdefault("rn", Refnet.start(open_store(tmp_path / "own", url=""))))
    worker.start()
    worker.join()
    rn = opened["rn"]
    members.register(rn, "Root", member_id="root")

    served = Served(tmp_path / "served")
    try:
        served.wait_healthy()
        assert served.ok(REGISTER, id="root")["registerMember"]["id"] == "root"
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            bodies = list(pool.map(lambda i: served.post(REGISTER, id=f"m{i}", s="root"), range(40)))
        assert all(not body.get("errors") for body in bodies), bodies
        time.sleep(30)  # anyio retires idle worker threads after 10 s
        assert not worker.is_alive()
        assert members.get_member(rn, "root").size == 1
        assert rn.store.server.process.poll() is None and rn.store.server.restarts == 0
        assert httpx.get(f"{served.url}/healthz").json() == {"status": "ok", "graph": "falkordb-embedded"}
        assert len(served.ok(DOWNLINE)["downline"]) == 40
    finally:
        served.stop()
        rn.store.close()


def test_a_killed_database_answers_unavailable_then_is_restarted(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(graph.store.embedded, "RESTART_DELAY_S", 2.0)
    store = open_store(tmp_path, url="")
    rn = Refnet.start(store)
    try:
        with TestClient(create_app(lambda: rn, jobs=[])) as client:
            def gql(query: str, **variables) -> dict:
                return client.post("/graphql", json={"query": query, "variables": variables}).json()

            assert not gql(REGISTER, id="root").get("errors")
            for index in range(20):
                assert not gql(REGISTER, id=f"m{index}", s="root").get("errors")
            first_pid = store.server.process.pid
            with caplog.at_level(logging.INFO, logger="refnet.embedded"):
                os.kill(first_pid, signal.SIGKILL)
                time.sleep(0.3)
                body = gql(REGISTER, id="late", s="root")
                assert body["data"] is None
                assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
                assert "retry" in body["errors"][0]["message"]
                health = client.get("/healthz")
                assert health.status_code == 503
                assert health.json()["status"] == "restarting" and health.json()["restarts"] == 1
                deadline = time.monotonic() + 30
                while client.get("/healthz").status_code != 200:
                    assert time.monotonic() < deadline, "the database was not restarted"
                    time.sleep(0.1)
            assert store.server.process.pid != first_pid
            assert any("restarting it" in r.message for r in caplog.records)
            assert any("restarted (restart 1" in r.message for r in caplog.records)
            assert len(gql(DOWNLINE)["data"]["downline"]) == 20
            assert not gql(REGISTER, id="late", s="root").get("errors")
    finally:
        store.close()
