"""The working set loaded beside the writer at start (issue 18, `serve`): the engine answers at
once, writes during the load read the graph and are exact, and the set is installed only if the
graph did not move while it was read — else tried again later."""

from __future__ import annotations

import threading
from typing import Any

from graph import working_set
from graph.ledger.order_batch import OrderItem, record_many
from graph.network.batch import RegisterItem, register_many
from graph.service import Refnet
from graph.working_set import WorkingSet
from tests.ledger.test_working_set import PRICES, assert_same_as_loaded, counting, in_batches, one_by_one, seeded
from tests.support.graph_dump import graph_dump

GROWN = [("register", RegisterItem(f"M{i}", f"m{i}", "root" if i < 3 else f"m{i // 3 - 1}")) for i in range(20)]


def held_load(monkeypatch: Any) -> tuple[threading.Event, threading.Event]:
    """Makes a load wait after it has read the graph, until released: (read, release)."""
    read, release = threading.Event(), threading.Event()
    load = WorkingSet._load_at_one_version

    def slow(self: WorkingSet, store: Any, **options: Any) -> bool:
        loaded = load(self, store, **options)
        read.set()
        release.wait(60)
        return loaded

    monkeypatch.setattr(WorkingSet, "_load_at_one_version", slow)
    return read, release


def test_writes_during_the_load_are_exact_and_fold_into_the_copy_before_it_is_installed(falkor, monkeypatch):
    """Started, the engine books at once while the set is being read (from the graph: nothing
    waits for the load); the copy, read before those writes, is installed with them laid over it
    (they took the batch paths, whose folds were kept for it) and equals the graph read afresh;
    the writes after it read nothing; everything booked equals booking one by one."""
    rn, sequential = seeded(falkor), seeded(falkor)
    assert in_batches(rn, GROWN, []) == one_by_one(sequential, GROWN)
    read, release = held_load(monkeypatch)
    ws = working_set.start(rn)
    assert read.wait(60) and not ws.ready
    during: list[tuple[str, Any]] = [("register", RegisterItem("Early", "early", "m3")),
                                     ("order", OrderItem("o1", "m4", PRICES[1], "root")),
                                     ("register", RegisterItem("Twin", "m4", "root")),  # refused: the id is taken
                                     ("order", OrderItem("o2", "early", PRICES[2]))]
    names = counting(rn)
    assert in_batches(rn, during, []) == one_by_one(sequential, during) == [None, None, "CONFLICT", None]
    assert "orders_context_batch" in names  # computed from the graph while the set loads
    release.set()
    ws.settle()
    assert ws.ready and ws.loads == 1 and ws.misses == 0 and ws.journal is None
    assert_same_as_loaded(rn)
    names.clear()
    last: list[tuple[str, Any]] = [("register", RegisterItem("Late", "late", "early")),
                                   ("order", OrderItem("o4", "late", PRICES[1], "m1"))]
    assert in_batches(rn, last, []) == one_by_one(sequential, last)
    assert names == ["members_register_batch", "orders_record_batch"]
    assert graph_dump(rn.store) == graph_dump(sequential.store)
    assert_same_as_loaded(rn)


def test_a_copy_another_writer_moved_the_graph_under_is_not_installed_and_is_tried_again(falkor, monkeypatch):
    """Another process's write during the load leaves a gap no fold fills: the copy is dropped
    (nothing computed from it), the writes stay exact, and the next load installs."""
    rn = seeded(falkor)
    other = Refnet.start(rn.store, rn.plan)  # its own guard, as a second process has
    other.clock = rn.clock
    sequential = seeded(falkor)
    assert in_batches(rn, GROWN, []) == one_by_one(sequential, GROWN)
    read, release = held_load(monkeypatch)
    ws = working_set.start(rn)
    assert read.wait(60)
    mine: list[tuple[str, Any]] = [("order", OrderItem("o1", "m4", PRICES[1]))]
    theirs: list[tuple[str, Any]] = [("order", OrderItem("o2", "m5", PRICES[0], "m4"))]
    assert in_batches(rn, mine, []) == one_by_one(sequential, mine)
    assert one_by_one(other, theirs) == one_by_one(sequential, theirs)
    release.set()
    ws.settle()
    assert not ws.ready and ws.misses == 1 and ws.loads == 0
    monkeypatch.undo()
    monkeypatch.setattr(working_set, "RELOAD_PAUSE", 0.0)
    after: list[tuple[str, Any]] = [("register", RegisterItem("Late", "late", "m4")),
                                    ("order", OrderItem("o3", "late", PRICES[2], "m1"))]
    assert in_batches(rn, after, []) == one_by_one(sequential, after)  # the first starts the next load
    for _ in range(working_set.BESIDE_TRIES + 2):  # (a load a write landed in the middle of is tried again)
        ws.settle()
        if rn.guard(lambda: working_set.warm(rn)) is not None:
            break
    assert ws.ready and ws.loads == 1
    assert_same_as_loaded(rn)
    assert graph_dump(rn.store) == graph_dump(sequential.store)


def test_a_load_nobody_wrote_under_is_installed_and_serves_the_first_write(falkor):
    rn = seeded(falkor)
    register_many(rn, [item for _, item in GROWN])
    ws = working_set.start(rn)
    ws.settle()
    assert ws.ready and ws.loads == 1 and ws.misses == 0
    names = counting(rn)
    assert record_many(rn, [OrderItem("o1", "m7", PRICES[2])])[0].error is None
    assert names == ["orders_record_batch"]
    assert_same_as_loaded(rn)


def test_writes_between_the_pages_of_a_load_are_read_again_when_it_is_installed(falkor, monkeypatch):
    """A load beside the writer reads its pages at the versions they come at; the members our
    writer's writes touched meanwhile (members read earlier, members registered after the load
    began) are read again at one version when the copy is installed, which then equals the graph
    read afresh."""
    monkeypatch.setattr(working_set, "PAGE_SEQS", 6)
    rn, sequential = seeded(falkor), seeded(falkor)
    assert in_batches(rn, GROWN, []) == one_by_one(sequential, GROWN)
    paged, release = threading.Event(), threading.Event()
    run = rn.store.run
    pages: list[int] = []

    def page_by_page(name: str, params: Any = None) -> Any:
        if name == "working_set_members" and threading.current_thread().name == "refnet-working-set":
            pages.append(params["lo"])
            if len(pages) == 2:  # the first page is read: hold the load here
                paged.set()
                release.wait(60)
        return run(name, params)

    rn.store.run = page_by_page
    ws = working_set.start(rn)
    assert paged.wait(60)
    during: list[tuple[str, Any]] = [("register", RegisterItem("Early", "early", "m0")),
                                     ("order", OrderItem("o1", "m1", PRICES[1], "m16")),
                                     ("register", RegisterItem("Deep", "deep", "m17")),
                                     ("order", OrderItem("o2", "deep", PRICES[2], "early")),
                                     ("order", OrderItem("o3", "m18", PRICES[0]))]
    assert in_batches(rn, during, []) == one_by_one(sequential, during) == [None] * 5
    release.set()
    ws.settle()
    assert len(pages) >= 3 and ws.ready and ws.loads == 1 and ws.misses == 0
    rn.store.run = run
    assert_same_as_loaded(rn)
    names = counting(rn)
    last: list[tuple[str, Any]] = [("register", RegisterItem("Late", "late", "deep")),
                                   ("order", OrderItem("o4", "late", PRICES[1], "m1"))]
    assert in_batches(rn, last, []) == one_by_one(sequential, last)
    assert names == ["members_register_batch", "orders_record_batch"]
    assert graph_dump(rn.store) == graph_dump(sequential.store)
    assert_same_as_loaded(rn)
