"""The embedded server's append-only file is rewritten by what its statements would cost to
replay (issue 18, graph.store.compaction): not before the statement log has grown by a tenth of
the image, and not before its statements took `share` times the last rewrite (at least
`min_s`); never while a bulk job runs; the server's own rewrite by bytes is only a backstop."""

from __future__ import annotations

import time
from typing import Any

import pytest

import graph.store.compaction
from graph.network import members
from graph.service import Refnet
from graph.store.compaction import CompactionClock, log_due
from graph.store.embedded import AOF_REWRITE_PERCENTAGE
from graph.store.store import bulk_job, open_store


def test_the_clock_waits_for_the_statements_to_be_worth_a_rewrite() -> None:
    clock = CompactionClock(min_s=1.0, share=2.0)
    assert not clock.ran(0.6)
    assert clock.ran(0.5)  # 1.1 s of statements: worth a look
    clock.not_yet()  # the log was still small
    assert not clock.ran(0.8) and clock.ran(0.3)  # another second
    clock.rewritten(3.0)  # that rewrite took 3 s: the next one after 6 s of statements
    assert clock.statements_s == 0.0
    assert not clock.ran(5.9) and clock.ran(0.2)
    clock.rewritten(0.1)
    assert not clock.ran(0.9) and clock.ran(0.1)  # never before min_s


def test_the_log_is_due_at_a_tenth_of_the_image() -> None:
    assert not log_due(image_bytes=100 << 20, log_bytes=9 << 20)
    assert log_due(image_bytes=100 << 20, log_bytes=11 << 20)
    assert not log_due(image_bytes=1000, log_bytes=200 << 10)  # and at least 256 KB
    assert log_due(image_bytes=1000, log_bytes=300 << 10)


def info(store) -> dict:
    return store.command("INFO", "persistence")


def rewrites(store) -> int:
    return int(info(store).get("aof_rewrites", 0))


def wait_rewritten(store, count: int) -> None:
    deadline = time.monotonic() + 30
    while rewrites(store) < count or int(info(store).get("aof_rewrite_in_progress", 0)):
        assert time.monotonic() < deadline, "no rewrite"
        time.sleep(0.05)


@pytest.mark.integration
@pytest.mark.parametrize("min_s", [0.0, 3600.0])
def test_writes_rewrite_the_file_once_their_statements_are_worth_it(tmp_path, monkeypatch, min_s) -> None:
    monkeypatch.setattr(graph.store.compaction, "LOG_MIN_BYTES", 8_000)
    store: Any = open_store(tmp_path, url="")
    try:
        assert store.command("CONFIG", "GET", "auto-aof-rewrite-percentage")[1] == AOF_REWRITE_PERCENTAGE
        rn = Refnet.start(store)
        members.register(rn, "Root", member_id="root")
        store.server._clock = CompactionClock(min_s=min_s)
        before, image = rewrites(store), int(info(store)["aof_base_size"])
        for index in range(30):
            members.register(rn, "M", sponsor_id="root", member_id=f"m{index}")
        grown = int(info(store)["aof_current_size"]) - int(info(store)["aof_base_size"])
        if min_s == 0.0:
            wait_rewritten(store, before + 1)
            deadline = time.monotonic() + 10
            while store.server._clock.rewrite_s == 0:  # the rewrite's thread notes how long it took
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert int(info(store)["aof_base_size"]) > image  # a new image, with the members in it
        else:  # the log grew past a tenth of the image, but its statements took far less than min_s
            counted = store.server._clock.statements_s
            for _ in range(20):
                store.run("meta_version")  # a read is not logged: it does not count
            assert counted > 0 and store.server._clock.statements_s == counted
            time.sleep(0.5)
            assert grown > 8_000 and log_due(int(info(store)["aof_base_size"]), grown)
            assert rewrites(store) == before
    finally:
        store.close()


@pytest.mark.integration
def test_a_bulk_job_keeps_the_rewrite_for_its_end(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(graph.store.compaction, "LOG_MIN_BYTES", 8_000)
    store: Any = open_store(tmp_path, url="")
    try:
        rn = Refnet.start(store)
        members.register(rn, "Root", member_id="root")
        store.server._clock = CompactionClock(min_s=0.0)
        before = rewrites(store)
        with bulk_job(store):
            for index in range(30):
                members.register(rn, "M", sponsor_id="root", member_id=f"m{index}")
            time.sleep(0.5)
            assert rewrites(store) == before
    finally:
        store.close()
