"""Group commit (issue 18): single writes from concurrent requests queue for one writer per
engine, which books whatever is queued when it is free — consecutive writes of one kind as one
batch through that kind's batch function (`registerMembers`, `recordOrders`), in queue order —
and answers each request with its own outcome once its batch's statement has returned.

A lone request is booked at once, by the single path (the writer never waits for a batch to
fill) — or, when the engine holds a working set (`graph.working_set`), by the batch path, which
then reads nothing; under load the requests that queued while a batch was being booked form the next one. The batch functions
book exactly what booking the items one by one in queue order books, so a request's outcome and
the graph are those of sequential booking. A failure of a whole batch (the database went away)
is every one of its requests' error; none of them was booked, except orders that a batch
which had to split (`graph.ledger.order_batch`) booked before the failure — recording one
again returns it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from graph.core.errors import DomainError
from graph.ledger import refunds
from graph.ledger.order_batch import MAX_BATCH as MAX_ORDERS
from graph.ledger.order_batch import OrderItem, OrderOutcome, record_many
from graph.ledger.orders import record_order
from graph.network import members
from graph.network.batch import MAX_BATCH as MAX_REGISTRATIONS
from graph.network.batch import RegisterItem, RegisterOutcome, register_many
from graph.plans.family import activity
from graph.service import Refnet

log = logging.getLogger("refnet.writer")

BatchFunction = Callable[[Refnet, list[Any]], list[Any]]


@dataclass(frozen=True)
class WriteKind:
    """How writes of one kind are booked: many at once (`batch`, at most `most` a call) and, for
    a write that queued alone, by the single path (`alone`), which reads less than a batch."""

    batch: BatchFunction
    most: int
    alone: Callable[[Refnet, Any], Any] | None = None


def _register_alone(rn: Refnet, item: RegisterItem) -> RegisterOutcome:
    try:
        return RegisterOutcome(member=members.register(
            rn, item.name, sponsor_id=item.sponsor_id, member_id=item.member_id, kind=item.kind,
            landing_slug=item.landing_slug, acting_partner_id=item.acting_partner_id))
    except DomainError as error:
        return RegisterOutcome(error=error)


def _order_alone(rn: Refnet, item: OrderItem) -> OrderOutcome:
    try:
        return OrderOutcome(order=record_order(rn, item.order_id, item.buyer_id, item.amount, item.referrer_id,
                                               item.at))
    except DomainError as error:
        return OrderOutcome(error=error)


KINDS: dict[str, WriteKind] = {
    "register": WriteKind(register_many, MAX_REGISTRATIONS, _register_alone),
    "order": WriteKind(record_many, MAX_ORDERS, _order_alone),
    # refunds and activity queue in the same order as the writes around them; each is booked
    # by its own statement (issue 18: jobs)
    "refund": WriteKind(refunds.refund_queued, refunds.MAX_QUEUED, refunds.refund_alone),
    "activity": WriteKind(activity.activity_queued, activity.MAX_QUEUED, activity.activity_alone),
}


@dataclass
class _Request:
    kind: str
    item: Any
    future: Future = field(default_factory=Future)


_STOP = _Request("stop", None)


class GroupCommit:
    """The one writer of an engine: `submit` queues a write, a worker thread books the queue."""

    def __init__(self, rn: Refnet, kinds: dict[str, WriteKind] | None = None) -> None:
        self.rn = rn
        self.kinds = KINDS if kinds is None else kinds
        self.queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.batches = 0  # batches booked, for benches and tests

    def start(self) -> "GroupCommit":
        self.thread = threading.Thread(target=self._work, name="refnet-writer", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Books what is queued, then ends the worker."""
        if self.thread is not None:
            self.queue.put(_STOP)
            self.thread.join()
            self.thread = None

    def submit(self, kind: str, item: Any) -> Future:
        """Queues one write; the future holds its outcome (the kind's outcome type)."""
        if kind not in self.kinds:
            raise ValueError(f"no batch function for writes of kind {kind!r}")
        request = _Request(kind, item)
        self.queue.put(request)
        return request.future

    async def write(self, kind: str, item: Any) -> Any:
        return await asyncio.wrap_future(self.submit(kind, item))

    def _work(self) -> None:
        while True:
            queued = [self.queue.get()]
            while queued[-1] is not _STOP:
                try:
                    queued.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            for kind, run in itertools.groupby(queued, key=lambda request: request.kind):
                if kind != _STOP.kind:
                    self._book(kind, list(run))
            if queued[-1] is _STOP:
                return

    def _remembers(self) -> bool:
        """Whether the engine's working set is loaded (or being loaded: the batch path's folds
        then catch the copy up): then a lone write takes the batch path too, which reads nothing
        (the single path reads the graph)."""
        ws = self.rn.working_set
        return ws is not None and (ws.ready or ws.due() or ws.journal is not None)

    def _book(self, kind: str, requests: list[_Request]) -> None:
        way = self.kinds[kind]
        for start in range(0, len(requests), way.most):
            part = requests[start:start + way.most]
            try:
                if len(part) == 1 and way.alone is not None and not self._remembers():
                    outcomes = [way.alone(self.rn, part[0].item)]
                else:
                    outcomes = way.batch(self.rn, [request.item for request in part])
            except Exception as error:  # the whole batch failed: each request learns why
                log.warning("a batch of %d %s writes failed: %s", len(part), kind, error)
                for request in part:
                    request.future.set_exception(error)
                continue
            self.batches += 1
            for request, outcome in zip(part, outcomes, strict=True):
                request.future.set_result(outcome)
