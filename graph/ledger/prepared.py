"""Work computed ahead by a thread (issue 18): a close's next booking statements — the rule,
the entry rows, the statement's text — are prepared while the database books the current
one. The thread only computes; the caller alone writes."""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Ahead(Generic[T]):
    """The items of `produce`, computed by a thread at most `ahead` items before they are taken.
    `take()` returns the next item, None once all were taken, and raises what the thread raised;
    `stop()` ends the thread (it computes nothing more)."""

    def __init__(self, produce: Iterator[T], name: str, ahead: int = 2) -> None:
        self._items: queue.Queue[T | BaseException | None] = queue.Queue(maxsize=ahead)
        self._stopped = threading.Event()
        threading.Thread(target=self._run, args=(produce,), daemon=True, name=name).start()

    def _put(self, item: T | BaseException | None) -> bool:
        while not self._stopped.is_set():
            try:
                self._items.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, produce: Iterator[T]) -> None:
        try:
            for item in produce:
                if not self._put(item):
                    return
            self._put(None)
        except BaseException as error:  # handed to the caller, which raises it
            self._put(error)

    def take(self) -> T | None:
        item = self._items.get()
        if isinstance(item, BaseException):
            self.stop()
            raise item
        if item is None:
            self.stop()
        return item

    def stop(self) -> None:
        self._stopped.set()


_pause = threading.Lock()
_paused = 0
_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a close runs (overlapping closes counted;
    its state before the first one restored after the last). A close holds millions of objects
    (its snapshot, the batches being prepared); each full collection walks them all holding the
    interpreter lock, and the thread that sends the next statement waits: 10 s of a 42 s close
    of 200,000 orders, 5 s without collections. What a close allocates is freed by reference
    counting; cycles made meanwhile wait for the next collection."""
    global _paused, _was_enabled
    with _pause:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
