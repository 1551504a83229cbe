"""Concurrent clients of the engine's one writer (graph.group_commit), for the group-commit tests."""

from __future__ import annotations

import random
import threading
from concurrent.futures import Future
from typing import Any

from graph.group_commit import GroupCommit

Write = tuple[str, Any]  # (kind, item)


def send_concurrently(writer: GroupCommit, writes: list[Write], clients: int, seed: int) -> list[tuple[Write, Future]]:
    """Deals `writes` at random to `clients` threads, each sending its share one at a time and
    waiting for each answer, as HTTP clients do; returns every write with its future, in the
    order the queue took them."""
    shares: list[list[Write]] = [[] for _ in range(clients)]
    chooser = random.Random(seed)
    for write in writes:
        shares[chooser.randrange(clients)].append(write)
    queued: list[tuple[Write, Future]] = []
    lock = threading.Lock()

    def client(share: list[Write]) -> None:
        for kind, item in share:
            with lock:  # the queue order is the order of `submit` calls
                future = writer.submit(kind, item)
                queued.append(((kind, item), future))
            future.result(timeout=120)

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return queued
