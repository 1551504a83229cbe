"""Writes booked the plain way, one by one (what batches and group commit must equal), and
concurrent clients of the engine's one writer (graph.group_commit)."""

from __future__ import annotations

import random
import threading
from concurrent.futures import Future
from typing import Any

from graph.core.errors import DomainError
from graph.group_commit import GroupCommit
from graph.ledger import orders
from graph.network import members
from graph.service import Refnet

Write = tuple[str, Any]  # (kind, item)


def one_by_one(rn: Refnet, writes: list[Write]) -> list[str | None]:
    """Registrations (`RegisterItem`) and orders (`OrderItem`) booked one at a time, in order;
    each one's error code, or None."""
    codes: list[str | None] = []
    for kind, item in writes:
        try:
            if kind == "register":
                members.register(rn, item.name, sponsor_id=item.sponsor_id, member_id=item.member_id,
                                 landing_slug=item.landing_slug)
            else:
                orders.record_order(rn, item.order_id, item.buyer_id, item.amount, item.referrer_id)
            codes.append(None)
        except DomainError as error:
            codes.append(error.code)
    return codes


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
