"""The embedded database: durable across a crash, one owner per data dir, schema idempotent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from graph.network import members
from graph.service import Refnet
from graph.store.embedded import DataDirBusy, EmbeddedFalkor
from graph.store.schema import ensure_schema
from graph.store.store import open_store

pytestmark = pytest.mark.integration  # every test here starts its own database


def test_acknowledged_members_survive_sigkill(tmp_path):
    store = open_store(tmp_path, url="")
    rn = Refnet.start(store)
    members.register(rn, "Root", member_id="root")
    for index in range(30):
        members.register(rn, "M", sponsor_id="root" if index < 10 else f"m{index - 10}", member_id=f"m{index}")
    expected = {(m, p, s) for m, p, s in _edges(rn)}
    server = store.server
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    store.close()

    store = open_store(tmp_path, url="")
    try:
        rn = Refnet.start(store)
        assert _edges(rn) == expected
        assert len(expected) == 30
        assert members.get_member(rn, "root").size == 31
    finally:
        store.close()


def _edges(rn: Refnet) -> set[tuple[str, str, int]]:
    rows = rn.store.run_text(
        "MATCH (m:Member)-[l:PLACED_UNDER]->(p:Member) MATCH (m)-[:SPONSORED_BY]->(s:Member) "
        "RETURN m.id AS m, p.id AS p, l.slot AS slot, s.id AS s"
    )
    return {(row["m"], row["p"] + "/" + row["s"], row["slot"]) for row in rows}


def test_second_owner_of_a_data_dir_is_refused(tmp_path):
    first = EmbeddedFalkor(tmp_path)
    first.start()
    try:
        with pytest.raises(DataDirBusy, match="already using the data dir"):
            EmbeddedFalkor(tmp_path).start()
    finally:
        first.stop()
    second = EmbeddedFalkor(tmp_path)  # free again once the first stopped
    second.start()
    second.stop()


def test_schema_setup_is_idempotent(store):
    ensure_schema(store)
    ensure_schema(store)
    indexes = store.run_text("CALL db.indexes() YIELD label, properties RETURN label, properties")
    assert any(row["label"] == "Member" and "id" in row["properties"] for row in indexes)
    rows = store.run_text("CALL db.constraints() YIELD type, label, status RETURN type, label, status")
    assert ("UNIQUE", "Member", "OPERATIONAL") in {(r["type"], r["label"], r["status"]) for r in rows}


def test_refnet_serve_as_a_new_user_would(tmp_path):
    """`refnet serve` answers /healthz; a second one on the same data dir refuses clearly."""
    port = 18000 + os.getpid() % 1000
    command = [sys.executable, "-m", "cli.main", "serve", "--data", str(tmp_path), "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    env.pop("REFNET_GRAPH_URL", None)
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        for _ in range(200):
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert body == {"status": "ok", "graph": "falkordb-embedded"}
        second = subprocess.run(command[:-1] + [str(port + 1)], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert "already using the data dir" in second.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert not (tmp_path / "falkordb.sock").exists() or _server_gone(tmp_path)


def _server_gone(data_dir) -> bool:
    pid = int((data_dir / "falkordb" / "server.pid").read_text())
    return not os.path.exists(f"/proc/{pid}") or b"redis-server" not in open(f"/proc/{pid}/cmdline", "rb").read()


def test_external_falkordb_by_url(falkor):
    """REFNET_GRAPH_URL names an external FalkorDB (here the test server's socket)."""
    store = open_store(falkor.server.data_dir, graph_name="external_url_test", url=f"unix://{falkor.server.socket_path}")
    try:
        assert store.backend == "falkordb" and store.server is None
        rn = Refnet.start(store)
        members.register(rn, "Root", member_id="root")
        assert members.get_member(rn, "root").name == "Root"
    finally:
        store.close()


def test_unknown_graph_url_scheme_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unsupported scheme"):
        open_store(tmp_path, url="postgres://localhost/x")


def test_two_instances_set_up_the_schema_of_a_fresh_graph_at_once(falkor):
    """Both look, both find nothing, both create: the loser's "already exists" is not an error."""
    import threading

    from graph.store.falkor_store import FalkorStore

    for attempt in range(3):
        name = f"schema_race_{attempt}"
        stores = [FalkorStore.from_socket(falkor.socket_path, name) for _ in range(2)]
        barrier = threading.Barrier(2)
        failures: list[BaseException] = []

        def start(store):
            barrier.wait()
            try:
                Refnet.start(store)
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                failures.append(error)

        threads = [threading.Thread(target=start, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        try:
            assert failures == []
            rows = stores[0].run_text("CALL db.constraints() YIELD label, properties, status RETURN label, properties, status")
            assert any(r["label"] == "Member" and r["properties"] == ["id"] and r["status"] == "OPERATIONAL" for r in rows)
            assert stores[0].run_text("MATCH (v:Meta {key: 'version'}) RETURN count(v) AS n")[0]["n"] == 1
        finally:
            for store in stores:
                store.close()


def test_a_statement_over_the_configured_timeout_is_reported_as_timed_out(falkor, monkeypatch):
    """REFNET_DB_TIMEOUT bounds a statement (no hidden client default); the caller gets a coded
    error that says so, and the next statement on the store works."""
    from graph.core.errors import StatementTimedOut
    from graph.store.falkor_store import FalkorStore

    monkeypatch.setenv("REFNET_DB_TIMEOUT", "0.1")
    store = FalkorStore.from_socket(falkor.socket_path, "timeout_test")
    try:
        with pytest.raises(StatementTimedOut) as caught:
            store.run_text("UNWIND range(1, 3000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n")
        assert caught.value.code == "UNAVAILABLE"
        assert "did not answer within 0.1 s (REFNET_DB_TIMEOUT)" in caught.value.message
    finally:
        store.close()
    monkeypatch.setenv("REFNET_DB_TIMEOUT", "30")
    store = FalkorStore.from_socket(falkor.socket_path, "timeout_test")
    try:
        assert store.run_text("UNWIND range(1, 3000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n") == [{"n": 428571}]
    finally:
        store.close()


@pytest.mark.integration  # starts its own database
def test_a_server_that_stalls_while_starting_is_killed_and_started_again(tmp_path, monkeypatch):
    """A server that neither answers nor makes progress (here: stopped by SIGSTOP right after
    it is forked, as a server hung replaying its append-only file was once seen) is killed and
    started once more; the start succeeds and only the second server runs."""
    from graph.store import embedded

    monkeypatch.setattr(embedded, "STARTUP_SILENCE_S", 1.0)
    spawned: list[subprocess.Popen[bytes]] = []
    spawn = EmbeddedFalkor._spawn

    def stall_the_first(self):
        process = spawn(self)
        if not spawned:
            os.kill(process.pid, signal.SIGSTOP)
        spawned.append(process)
        return process

    monkeypatch.setattr(EmbeddedFalkor, "_spawn", stall_the_first)
    server = EmbeddedFalkor(tmp_path / "data")
    server.start()
    try:
        assert len(spawned) == 2
        assert spawned[0].poll() == -signal.SIGKILL
        assert server.status().state == "running" and server.process is spawned[1]
    finally:
        server.stop()


@pytest.mark.integration  # starts its own database
def test_a_server_that_stalls_every_time_fails_the_start(tmp_path, monkeypatch):
    from graph.store import embedded

    monkeypatch.setattr(embedded, "STARTUP_SILENCE_S", 1.0)
    spawn = EmbeddedFalkor._spawn

    def stall(self):
        process = spawn(self)
        os.kill(process.pid, signal.SIGSTOP)
        return process

    monkeypatch.setattr(EmbeddedFalkor, "_spawn", stall)
    server = EmbeddedFalkor(tmp_path / "data")
    with pytest.raises(embedded.StartStalled):
        server.start()
    assert server.status().state == "stopped"
