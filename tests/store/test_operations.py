"""Operations: the plan pinned in the data dir, every command while `refnet serve` runs,
backup during writes and restore, a compacted append-only file."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from pathlib import Path

import pytest

import graph.store.embedded
from graph.service import Refnet
from graph.store.store import open_store
from tests.support.serve import ORDER, REGISTER, Served, check_conservation, last_month, member_ids, refnet

pytestmark = pytest.mark.integration  # refnet serve in subprocesses, data dirs of their own


def _pinned(data: Path) -> tuple[str, list[str]]:
    store = open_store(data, url="")
    try:
        name = store.run("plan_pin_get")[0]["name"]
        versions = [row["name"] for row in store.run("plan_versions")]
    finally:
        store.close()
    return name, versions


def test_the_data_dir_pins_its_plan(tmp_path, capsys, monkeypatch, caplog):
    from cli.main import main

    data = str(tmp_path / "data")
    monkeypatch.delenv("REFNET_PLAN", raising=False)
    assert main(["query", "RETURN 1 AS one", "--data", data, "--plan", "differential"]) == 0
    assert _pinned(Path(data)) == ("differential", ["differential"])
    assert main(["query", "RETURN 1 AS one", "--data", data]) == 0  # no --plan: the pinned one
    assert _pinned(Path(data)) == ("differential", ["differential"])

    capsys.readouterr()
    assert main(["query", "RETURN 1 AS one", "--data", data, "--plan", "linkage-3plus1"]) == 2
    refused = capsys.readouterr().err
    assert "'differential'" in refused and "'linkage-3plus1'" in refused and "--change-plan" in refused
    monkeypatch.setenv("REFNET_PLAN", "family")
    assert main(["query", "RETURN 1 AS one", "--data", data]) == 2
    assert "'differential'" in capsys.readouterr().err
    monkeypatch.delenv("REFNET_PLAN")
    assert _pinned(Path(data)) == ("differential", ["differential"])

    with caplog.at_level(logging.WARNING, logger="refnet.plan"):
        assert main(["query", "RETURN 1 AS one", "--data", data, "--plan", "linkage-3plus1", "--change-plan"]) == 0
    assert any("differential" in r.message and "linkage-3plus1" in r.message for r in caplog.records)
    assert _pinned(Path(data)) == ("linkage-3plus1", ["differential", "linkage-3plus1"])
    assert main(["query", "RETURN 1 AS one", "--data", data]) == 0
    assert _pinned(Path(data))[0] == "linkage-3plus1"

    capsys.readouterr()
    with pytest.raises(SystemExit) as refused_change:
        main(["query", "RETURN 1 AS one", "--data", data, "--change-plan"])  # to which plan?
    assert refused_change.value.code == 2 and "--change-plan needs --plan" in capsys.readouterr().err


def test_every_command_while_serve_runs(tmp_path):
    data = tmp_path / "data"
    served = Served(data, "--plan", "linkage-3plus1")
    try:
        served.wait_healthy()
        served.ok(REGISTER, id="S")
        served.ok(REGISTER, id="A", s="S")
        served.ok(ORDER, id="o1", b="A", a="1000.00")
        period = last_month()  # a period closes only once it has ended (docs/periods.md)
        arguments = ["--data", str(data)]

        query = refnet("query", "MATCH (m:Member) RETURN count(m) AS members", *arguments)
        assert query.returncode == 0, query.stderr
        assert "2" in query.stdout and "working through its database" in query.stderr
        report = refnet("report", *arguments)
        assert report.returncode == 0, report.stderr
        export = refnet("export", "--tree", "sponsor", "--format", "graphml", *arguments)
        assert export.returncode == 0 and "<graphml" in export.stdout, export.stderr
        preview = refnet("preview-period", period, *arguments)
        assert preview.returncode == 0, preview.stderr
        close = refnet("close-period", period, *arguments)
        assert close.returncode == 0, close.stderr
        rotate = refnet("rotate", *arguments)
        assert rotate.returncode == 0 and "done" in rotate.stdout, rotate.stderr
        backup = refnet("backup", str(tmp_path / "snap.rdb"), *arguments)
        assert backup.returncode == 0 and "MB" in backup.stdout, backup.stderr
        # the service saw what the commands did, and still serves
        runs = served.ok("{ periodRuns { period } }")["periodRuns"]
        assert period in [run["period"] for run in runs]
        served.ok(REGISTER, id="B", s="S")
        assert served.wait_healthy()["status"] == "ok"
    finally:
        served.stop()


def test_import_activity_while_serve_runs(tmp_path):
    data = tmp_path / "data"
    served = Served(data, "--plan", "family")
    try:
        served.wait_healthy()
        served.ok(REGISTER, id="F")
        served.ok(REGISTER, id="a", s="F")
        served.ok('mutation { createFamily(id: "fam", name: "Sing Along", leaderId: "F") { id } }')
        served.ok('mutation { addFamilyMember(familyId: "fam", memberId: "a") { id } }')
        csv = tmp_path / "activity.csv"
        csv.write_text("id,member_id,type,at,diamonds\nw1,a,BATTLE,2024-01-11T10:00:00Z,300\n", encoding="utf-8")
        done = refnet("import-activity", str(csv), "--family", "fam", "--data", str(data))
        assert done.returncode == 0, done.stderr
        assert "imported 1 activity events" in done.stdout
    finally:
        served.stop()


def test_backup_during_writes_then_restore(tmp_path):
    data = tmp_path / "data"
    served = Served(data)
    acknowledged: dict[str, set[str]] = {"members": {"S"}, "orders": set()}
    stop = threading.Event()
    try:
        served.wait_healthy()
        served.ok(REGISTER, id="S")

        def write(worker: int) -> None:
            index = 0
            while not stop.is_set():
                member = f"w{worker}m{index}"
                if not served.post(REGISTER, id=member, s="S").get("errors"):
                    acknowledged["members"].add(member)
                    if not served.post(ORDER, id=f"o-{member}", b=member, a="1000.00").get("errors"):
                        acknowledged["orders"].add(f"o-{member}")
                index += 1

        writers = [threading.Thread(target=write, args=(worker,)) for worker in range(3)]
        for writer in writers:
            writer.start()
        time.sleep(2)
        before = {kind: set(ids) for kind, ids in acknowledged.items()}
        backup = refnet("backup", str(tmp_path / "snap.rdb"), "--data", str(data))
        time.sleep(1)
        stop.set()
        for writer in writers:
            writer.join()
        assert backup.returncode == 0, backup.stderr
        assert "written" in backup.stdout
    finally:
        stop.set()
        served.stop()

    restored = tmp_path / "restored"
    done = refnet("restore", str(tmp_path / "snap.rdb"), "--data", str(restored))
    assert done.returncode == 0, done.stderr
    again = refnet("restore", str(tmp_path / "snap.rdb"), "--data", str(restored))
    assert again.returncode == 2 and "not empty" in again.stderr

    store = open_store(restored, url="")
    try:
        Refnet.start(store)
        members = member_ids(store)
        orders = {row["id"] for row in store.run_text("MATCH (o:Order) RETURN o.id AS id")}
        assert before["members"] <= members <= acknowledged["members"] | _in_flight(acknowledged["members"])
        assert before["orders"] <= orders
        assert len(members) < len(acknowledged["members"]), "the snapshot should predate the last writes"
        assert check_conservation(store) == len(orders)
        assert f"{len(members):,} members, {len(orders):,} orders" in done.stdout
    finally:
        store.close()


def _in_flight(members: set[str]) -> set[str]:
    """Each writer's next member after its last acknowledged one: in flight when it stopped,
    it may be in the snapshot though its answer was not awaited."""
    last: dict[str, int] = {}
    for member in members - {"S"}:
        worker, index = member[1:].split("m")
        last[worker] = max(last.get(worker, -1), int(index))
    return {f"w{worker}m{index + 1}" for worker, index in last.items()}


def test_the_append_only_file_is_compacted_and_data_survives(tmp_path, monkeypatch, caplog):
    """At a start that found a long statement log, and at a clean stop."""
    from graph.network import members

    monkeypatch.setattr(graph.store.embedded, "REWRITE_AT_START_BYTES", 20_000)
    monkeypatch.setattr(graph.store.embedded, "REWRITE_AT_STOP_BYTES", 1 << 40)
    store = open_store(tmp_path, url="")
    rn = Refnet.start(store)
    try:
        assert store.command("CONFIG", "GET", "aof-use-rdb-preamble")[1] == "yes"
        assert int(store.command("CONFIG", "GET", "auto-aof-rewrite-percentage")[1]) > 0
        members.register(rn, "Root", member_id="root")
        for index in range(60):
            members.register(rn, "M", sponsor_id="root", member_id=f"m{index}")
        grown = _incremental_bytes(tmp_path)
        assert grown > 20_000
    finally:
        store.close()
    with caplog.at_level(logging.INFO, logger="refnet.embedded"):
        store = open_store(tmp_path, url="")
    try:
        assert any("compacting the append-only file" in r.message for r in caplog.records)
        deadline = time.monotonic() + 30
        while int(store.command("INFO", "persistence").get("aof_rewrite_in_progress", 1)) \
                or not store.command("INFO", "persistence").get("aof_rewrites"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        store.close()
    assert _incremental_bytes(tmp_path) < grown / 4

    monkeypatch.setattr(graph.store.embedded, "REWRITE_AT_START_BYTES", 1 << 40)
    monkeypatch.setattr(graph.store.embedded, "REWRITE_AT_STOP_BYTES", 20_000)
    store = open_store(tmp_path, url="")
    try:
        rn = Refnet.start(store)
        for index in range(60, 100):
            members.register(rn, "M", sponsor_id="root", member_id=f"m{index}")
        assert _incremental_bytes(tmp_path) > 20_000
    finally:
        store.close()
    assert _incremental_bytes(tmp_path) < 20_000
    store = open_store(tmp_path, url="")
    try:
        rn = Refnet.start(store)
        assert members.get_member(rn, "root").size == 101
        assert member_ids(store) == {"root"} | {f"m{i}" for i in range(100)}
    finally:
        store.close()


def _incremental_bytes(data: Path) -> int:
    """Bytes of the append-only file's statement log (its parts after the base image)."""
    return sum(path.stat().st_size for path in (data / "falkordb" / "appendonlydir").glob("*.incr.aof"))


def test_ctrl_c_in_a_terminal_stops_refnet_and_its_database_once(tmp_path):
    """A terminal's Ctrl-C sends SIGINT to the whole foreground process group; the database
    server must not get it too, or refnet logs a crash and restarts it while stopping."""
    data, log = tmp_path / "data", tmp_path / "serve.log"
    served = Served(data, log=log)
    try:
        served.wait_healthy()
        server_pid = int((data / "falkordb" / "server.pid").read_text())
        os.killpg(served.process.pid, signal.SIGINT)
        assert served.process.wait(timeout=60) == 0
    finally:
        served.stop()
    text = log.read_text()
    assert "embedded FalkorDB stopped" in text
    assert "exited with" not in text and "restart" not in text, text
    cmdline = Path(f"/proc/{server_pid}/cmdline")
    assert not cmdline.exists() or b"redis-server" not in cmdline.read_bytes()
