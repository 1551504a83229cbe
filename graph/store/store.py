"""The one interface all of `graph/` uses to reach the database.

A query is named by its file in `cypher/` (`cypher/network/members_by_ids.cypher` → "members_by_ids") and
returns rows as dicts. Every write is one atomic Cypher statement; when a business operation
must read before it writes, it goes through `Store.guarded`, which serialises the
read-compute-write with a version counter in the graph so that two processes on one graph
never act on a stale read.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol, TypeVar

Row = dict[str, Any]
FRAGMENT = ".fragment"
T = TypeVar("T")


def _files(suffix: str) -> dict[str, Traversable]:
    found: dict[str, Traversable] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for item in folder.iterdir():
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            elif item.name.endswith(suffix):
                found[prefix + item.name[: -len(suffix)]] = item

    walk(resources.files("cypher"), "")
    return found


def _one(name: str, paths: Iterable[str], what: str) -> str:
    paths = list(paths)
    if name in paths:
        return name
    matches = [path for path in paths if path.endswith(f"/{name}")]
    if len(matches) != 1:
        raise LookupError(f"{what} {name!r}: {'no file' if not matches else 'several files: ' + ', '.join(matches)}"
                          " in cypher/")
    return matches[0]


@cache
def query_files() -> dict[str, Traversable]:
    """Every `.cypher` file under `cypher/`, by its path without the suffix
    ("ledger/ledger_by_member", "plans/family/create")."""
    return _files(".cypher")


@cache
def query_path(name: str) -> str:
    """The file a query name means: the one path that equals the name or ends with "/<name>", so
    code names a query by its file name ("ledger_by_member") or with as much of its folder as
    makes it unique ("family/create"), and files can move between feature folders freely."""
    return _one(name, query_files(), "query")


@cache
def fragment_files() -> dict[str, Traversable]:
    """Every `.fragment` file under `cypher/` (parts that queries include), by path."""
    return _files(FRAGMENT)


INCLUDE = re.compile(r"^[ \t]*// include: (\S+)[ \t]*$", re.MULTILINE)
COMMENT_LINE = re.compile(r"^[ \t]*//.*\n?", re.MULTILINE)


@cache
def query_text(name: str) -> str:
    """The text of the query file `name` names (see `query_path`), each `// include: <name>`
    line replaced by the fragment file `<name>.fragment` (found the same way): Cypher has no
    includes, and one business operation must stay one statement (the ledger writer is shared).
    Whole-line comments are left out: the database logs every write statement's text and parses
    it; they were two fifths of an order's statement."""
    return COMMENT_LINE.sub("", expand(query_files()[query_path(name)].read_text(encoding="utf-8")))


def expand(text: str) -> str:
    return INCLUDE.sub(lambda match: expand(fragment_text(match[1])).rstrip("\n"), text)


@cache
def fragment_text(name: str) -> str:
    return fragment_files()[_one(name, fragment_files(), "fragment")].read_text(encoding="utf-8")


def record_from_row(cls: type[T], row: Row, money: tuple[str, ...] = ()) -> T:
    """A frozen dataclass from a query row: fields by name (missing ones None), the `money`
    fields converted from integer cents (a missing one is 0)."""
    from graph.core.money import from_cents

    values = {name: row.get(name) for name in cls.__dataclass_fields__}  # type: ignore[attr-defined]
    for name in money:
        values[name] = from_cents(row.get(name) or 0)
    return cls(**values)


class Store(Protocol):
    backend: str

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run the named query from `cypher/` as one atomic statement."""

    def run_text(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_ms: int | None = None,
    ) -> list[Row]:
        """Run Cypher text that is not one of ours (schema set-up, people's read-only queries)."""

    def prepare(self, name: str, params: Mapping[str, Any]) -> Any:
        """The statement `run(name, params)` would send, built ahead of time (on FalkorDB its
        parameters rendered as Cypher text, seconds for a batch of a million values), so a
        thread can build the next batch while the database runs this one; `run_prepared`
        sends it."""

    def run_prepared(self, prepared: Any) -> list[Row]:
        """Run a statement built by `prepare`."""

    def close(self) -> None: ...


def bulk_job(store: Store) -> contextlib.AbstractContextManager[None]:
    """Around a job that writes large statements one after another (a month close): the
    embedded server keeps its append-only file's compaction for the end of the job
    (`EmbeddedFalkor.compaction_paused`); other stores change nothing."""
    paused = getattr(store, "compaction_paused", None)
    return paused() if paused is not None else contextlib.nullcontext()


class Conflicted(Exception):
    """A guarded write found the graph changed since its read; the caller reads again."""


class GaveUp(RuntimeError):
    """A guarded write found the graph changed on every attempt."""


class WriteGuard:
    """Serialises read-compute-write operations on one graph.

    Within a process a lock makes them take turns. Across processes, the operation's first
    read returns the graph's `version` (`MATCH (v:Meta {key: 'version'})`), and its write
    statement starts with the guard of `cypher/store/meta_version.cypher`'s comment: it matches only
    while the version is unchanged, and bumps it. A write computed from a stale read so
    matches no row; the operation raises Conflicted and is read and computed again.

    A write computed from the writer's in-process state (graph.working_set) may leave its
    statement to run after the lock is released (`send_after`): the next operation then computes
    while the database runs it, on that state as the statement will leave the graph, and sends
    its own statement only after it — in turn, as if it had waited. A statement that fails marks
    the guard `broken`: the state is repaired (`Sending.undo`, or `Sending.reset` when the
    statement's outcome is unknown) before anything computes on it again, and what was computed on
    it meanwhile is computed again. Every other operation first waits for the statement under
    way (`drain`).
    """

    def __init__(self, attempts: int = 50) -> None:
        self._lock = threading.RLock()
        self._attempts = attempts
        self._sending = threading.Lock()  # held from a statement's hand-over until it returned
        self.broken = False
        self._repairs: list[Callable[[], None]] = []

    def __call__(self, operation: Callable[[], T], *, overlap: bool = False) -> T:
        """Runs `operation` under the lock, again while it raises Conflicted. With `overlap`, the
        operation may compute while an earlier operation's statement is still under way (it
        then sends its own through `send_after`)."""
        with self._lock:
            for _ in range(self._attempts):
                try:
                    if not overlap:
                        self.drain()
                    return operation()
                except Conflicted:
                    continue
            raise GaveUp("the graph kept changing under a guarded write; gave up")

    def drain(self) -> None:
        """Waits for the statement under way; if it failed, what was computed on the state it
        would have left is computed again (Conflicted). Under the lock."""
        with self._sending:
            self._mend()

    def settle(self) -> None:
        """Before computing from the writer's state: if the statement under way has already
        failed, the state it was laid over is reset now (else `send_after` finds out later)."""
        if self.broken:
            with contextlib.suppress(Conflicted):
                self.drain()

    def _mend(self) -> None:
        if self.broken:
            self.broken = False
            repairs, self._repairs = self._repairs, []
            for repair in repairs:
                repair()
            raise Conflicted()

    def send_after(self) -> "Sending":
        """Under the lock, once a write is computed: waits for the statement under way (a failed
        one raises Conflicted, as `drain`) and returns the hand-over of this write's statement,
        to be sent (`Sending.run`) once the lock is released; the next operation's statement waits for it."""
        self._sending.acquire()
        try:
            self._mend()
        except BaseException:
            self._sending.release()
            raise
        return Sending(self)

    def persist(self, operation: Callable[[], T], rounds: int = 10, *, overlap: bool = False) -> T:
        """`self(operation)`, tried for up to `rounds` rounds with a short random pause between
        them: a batch job beside a busy service (which writes every few ms) retries until its
        window falls between the service's writes, instead of failing the whole job."""
        import random
        import time

        for _ in range(rounds - 1):
            try:
                return self(operation, overlap=overlap)
            except GaveUp:
                time.sleep(random.uniform(0.001, 0.02))
        return self(operation, overlap=overlap)


class Sending:
    """A statement handed over by `WriteGuard.send_after`: run exactly once, or `cancel`led.
    `undo` puts back what the write laid over the writer's state if the statement books nothing;
    `reset` forgets that state if its outcome is unknown (an error: it may have been booked)."""

    def __init__(self, guard: WriteGuard) -> None:
        self._guard: WriteGuard | None = guard
        self.undo: Callable[[], None] | None = None
        self.reset: Callable[[], None] | None = None

    def run(self, statement: Callable[[], bool]) -> bool:
        """Runs `statement` (true: booked); a statement that booked nothing or failed marks the
        guard broken, to be repaired under the lock before the state is computed on again."""
        guard, self._guard = self._guard, None
        assert guard is not None, "a hand-over runs once"
        booked = errored = False
        try:
            booked = statement()
            return booked
        except BaseException:
            errored = True
            raise
        finally:
            if not booked:
                guard.broken = True
                repair = self.reset if errored else self.undo
                if repair is not None:
                    guard._repairs.append(repair)
            guard._sending.release()

    def cancel(self) -> None:
        """Nothing will be sent and nothing was laid over the state: the next one may go."""
        guard, self._guard = self._guard, None
        if guard is not None:
            guard._sending.release()


def open_store(data_dir: Path, graph_name: str = "refnet", url: str | None = None, attach: bool = False) -> Store:
    """The store named by REFNET_GRAPH_URL (or `url`), else embedded FalkorDB in `data_dir`.

    With `attach`, a data dir that another refnet holds (e.g. `refnet serve`) is used through
    that refnet's running database server instead of being refused."""
    url = url if url is not None else os.environ.get("REFNET_GRAPH_URL", "")
    if url.startswith(("bolt://", "bolt+s://", "neo4j://", "neo4j+s://")):
        from graph.store.neo4j_store import Neo4jStore

        return Neo4jStore(
            url,
            user=os.environ.get("REFNET_GRAPH_USER", "neo4j"),
            password=os.environ.get("REFNET_GRAPH_PASSWORD", ""),
            database=os.environ.get("REFNET_GRAPH_DATABASE") or None,
        )
    if url.startswith(("redis://", "rediss://", "unix://")):
        from graph.store.falkor_store import FalkorStore

        return FalkorStore.from_url(url, graph_name)
    if url:
        raise ValueError(f"REFNET_GRAPH_URL: unsupported scheme in {url!r} (bolt://, neo4j://, redis://)")
    from graph.store.embedded import DataDirBusy, EmbeddedFalkor, attach_running
    from graph.store.falkor_store import FalkorStore

    server = EmbeddedFalkor(data_dir)
    try:
        server.start()
    except DataDirBusy:
        if not attach:
            raise
        socket_path = attach_running(Path(data_dir))
        store = FalkorStore.from_socket(socket_path, graph_name)
        store.backend = "falkordb-embedded"
        return store
    return FalkorStore.from_socket(server.socket_path, graph_name, server=server)
