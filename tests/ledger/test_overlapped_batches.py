"""Order batches from the working set overlap (issue 18): the next batch is computed while the
database runs the previous one's statement, on the set as that statement will leave the graph.
What concurrent batches book equals booking their orders one by one in the order their
statements were booked; a statement that books nothing (the graph moved, an order id the set
did not know) puts the set back and whatever was computed on it is computed again."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from graph import working_set
from graph.ledger import order_batch
from graph.ledger.order_batch import OrderItem, record_many
from graph.network import members
from graph.network.batch import RegisterItem, register_many
from graph.service import Refnet
from tests.ledger.test_working_set import PRICES, assert_same_as_loaded, engine, seeded
from tests.support.db import graph_numbers
from tests.support.graph_dump import graph_dump
from tests.support.writers import one_by_one


def forty_members(rn: Refnet) -> None:
    register_many(rn, [RegisterItem(f"M{i}", f"m{i}", "root" if i < 3 else f"m{i // 3 - 1}") for i in range(40)])


def watched(rn: Refnet, slow_s: float, before_statement: Any = None) -> tuple[dict[str, list], Any]:
    """Records the order ids of every booked batch statement in the order they were booked, and
    the time spans of statements and of batch computations; each statement takes `slow_s`
    longer (so that the next batch is computed meanwhile)."""
    seen: dict[str, list] = {"booked": [], "statements": [], "computed": [], "failed": []}
    run = rn.store.run

    def run_watched(name: str, params: Any = None) -> Any:
        if name != "orders_record_batch":
            return run(name, params)
        if before_statement is not None:
            before_statement(len(seen["statements"]))
        start = time.monotonic()
        time.sleep(slow_s)
        rows = run(name, params)
        seen["statements"].append((start, time.monotonic()))
        (seen["booked"] if rows else seen["failed"]).append([row["id"] for row in params["orders"]])
        return rows

    rn.store.run = run_watched  # type: ignore[method-assign]
    book_run = order_batch._book_run

    def book_run_watched(*args: Any) -> Any:
        start = time.monotonic()
        try:
            return book_run(*args)
        finally:
            seen["computed"].append((start, time.monotonic()))

    return seen, book_run_watched


def in_threads(rn: Refnet, shares: list[list[list[OrderItem]]]) -> list[list[Any]]:
    """Each share's batches sent by a thread of its own, one after another, as HTTP clients do."""
    results: list[list[Any]] = [[] for _ in shares]

    def client(index: int) -> None:
        for batch in shares[index]:
            results[index] += record_many(rn, batch)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(len(shares))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def overlapped(seen: dict[str, list]) -> int:
    """How many batch computations ran while a statement was under way."""
    return sum(any(s_start < c_end and c_start < s_end for s_start, s_end in seen["statements"])
               for c_start, c_end in seen["computed"])


def replayed(falkor: Any, booked: list[list[str]], items: dict[str, OrderItem],
             before: list[tuple[str, Any]] | None = None) -> Refnet:
    sequential = seeded(falkor)
    forty_members(sequential)
    one_by_one(sequential, before or [])
    one_by_one(sequential, [("order", items[order_id]) for batch in booked for order_id in batch])
    return sequential


def warm_and_watched(falkor: Any, monkeypatch: Any, slow_s: float) -> tuple[Refnet, dict[str, list]]:
    """An engine of forty members with its working set, watched (`watched`)."""
    warm = seeded(falkor)
    forty_members(warm)
    working_set.enable(warm)
    seen, book_run = watched(warm, slow_s)
    monkeypatch.setattr(order_batch, "_book_run", book_run)
    return warm, seen


def test_concurrent_batches_book_what_their_statements_order_books_one_by_one(falkor, monkeypatch):
    warm, seen = warm_and_watched(falkor, monkeypatch, 0.05)
    shares = [[[OrderItem(f"c{c}b{b}o{o}", f"m{(c * 7 + b * 3 + o) % 40}", PRICES[(c + o) % 3]) for o in range(6)]
               for b in range(4)] for c in range(4)]
    results = in_threads(warm, shares)
    assert all(outcome.error is None for result in results for outcome in result)
    assert sum(len(result) for result in results) == 4 * 4 * 6
    assert overlapped(seen) > 0, "no batch was computed while a statement ran"
    assert not seen["failed"]
    items = {item.order_id: item for share in shares for batch in share for item in batch}
    sequential = replayed(falkor, seen["booked"], items)
    assert graph_dump(warm.store) == graph_dump(sequential.store)
    assert warm.working_set.drops == 0
    assert_same_as_loaded(warm)


@pytest.mark.parametrize("cause", ["another writer", "a known order id"])
def test_a_statement_that_books_nothing_puts_the_set_back(falkor, monkeypatch, cause):
    """The second statement finds the graph moved by another engine (a registration), or an
    order id the set took as new: it books nothing, the set it was laid over is put back, the
    batch computed on it meanwhile is computed again, and the graph ends as one by one booking
    in the order things were booked."""
    name = f"test_{next(graph_numbers)}"
    warm, other = engine(falkor, name), engine(falkor, name)
    members.register(warm, "Root", member_id="root")
    forty_members(warm)
    working_set.enable(warm)
    before: list[tuple[str, Any]] = []

    def interfere(statements: int) -> None:
        if statements == 1 and cause == "another writer" and not before:
            item = RegisterItem("X", "x1", "m5")
            register_many(other, [item])
            before.append(("register", item))

    seen, book_run = watched(warm, 0.05, interfere)
    monkeypatch.setattr(order_batch, "_book_run", book_run)
    first = [OrderItem(f"a{o}", f"m{o}", PRICES[o % 3]) for o in range(5)]
    record_many(warm, first)  # booked alone, before the threads
    shares = [[[OrderItem(f"b{c}{o}", f"m{(c * 5 + o) % 40}", PRICES[o % 3]) for o in range(4)]] for c in range(3)]
    if cause == "a known order id":
        shares[1][0][2] = first[2]  # sent again: found booked
    results = in_threads(warm, shares)
    assert seen["failed"], "no statement failed"
    assert all(outcome.order is not None for result in results for outcome in result)
    items = {item.order_id: item for item in first}
    items.update({item.order_id: item for share in shares for batch in share for item in batch})
    sequential = seeded(falkor)
    forty_members(sequential)
    booked = seen["booked"]
    one_by_one(sequential, [("order", items[order_id]) for order_id in booked[0]])
    one_by_one(sequential, before)
    one_by_one(sequential, [("order", items[order_id]) for batch in booked[1:] for order_id in batch])
    if cause == "a known order id":
        one_by_one(sequential, [("order", items["a2"])])  # refused the same way wherever it comes
    assert graph_dump(warm.store) == graph_dump(sequential.store)
    ws = warm.working_set
    if ws.ready:
        assert_same_as_loaded(warm)
    if cause == "a known order id":
        assert ws.drops == 0 and ws.ready  # put back, not dropped


def test_other_writes_wait_for_the_statement_under_way(falkor, monkeypatch):
    """A registration (not overlapped) waits until the order statement under way has returned."""
    warm, seen = warm_and_watched(falkor, monkeypatch, 0.3)
    thread = threading.Thread(target=record_many, args=(warm, [OrderItem("o1", "m1", PRICES[0])]))
    thread.start()
    while not seen["computed"]:
        time.sleep(0.005)
    register_many(warm, [RegisterItem("Late", "late", "m1")])
    registered = time.monotonic()
    thread.join(30)
    assert seen["statements"] and registered >= seen["statements"][0][1]
    assert_same_as_loaded(warm)
