"""The one interface all of `graph/` uses to reach the database.

A query is named by its file in `cypher/` (`cypher/member_get.cypher` → "member_get") and
returns rows as dicts. Every write is one atomic Cypher statement; when a business operation
must read before it writes, it goes through `Store.guarded`, which serialises the
read-compute-write with a version counter in the graph so that two processes on one graph
never act on a stale read.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, TypeVar

Row = dict[str, Any]
T = TypeVar("T")


@cache
def query_text(name: str) -> str:
    """The text of `cypher/<name>.cypher` (sub-folders with '/', e.g. "explore/top_recruiters")."""
    return resources.files("cypher").joinpath(f"{name}.cypher").read_text(encoding="utf-8")


def record_from_row(cls: type[T], row: Row, money: tuple[str, ...] = ()) -> T:
    """A frozen dataclass from a query row: fields by name (missing ones None), the `money`
    fields converted from integer cents (a missing one is 0)."""
    from graph.money import from_cents

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

    def close(self) -> None: ...


class Conflicted(Exception):
    """A guarded write found the graph changed since its read; the caller reads again."""


class WriteGuard:
    """Serialises read-compute-write operations on one graph.

    Within a process a lock makes them take turns. Across processes, the operation's first
    read returns the graph's `version` (`MATCH (v:Meta {key: 'version'})`), and its write
    statement starts with the guard of `cypher/meta_version.cypher`'s comment: it matches only
    while the version is unchanged, and bumps it. A write computed from a stale read so
    matches no row; the operation raises Conflicted and is read and computed again.
    """

    def __init__(self, attempts: int = 50) -> None:
        self._lock = threading.RLock()
        self._attempts = attempts

    def __call__(self, operation: Callable[[], T]) -> T:
        with self._lock:
            for _ in range(self._attempts):
                try:
                    return operation()
                except Conflicted:
                    continue
            raise RuntimeError("the graph kept changing under a guarded write; gave up")


def open_store(data_dir: Path, graph_name: str = "refnet", url: str | None = None, attach: bool = False) -> Store:
    """The store named by REFNET_GRAPH_URL (or `url`), else embedded FalkorDB in `data_dir`.

    With `attach`, a data dir that another refnet holds (e.g. `refnet serve`) is used through
    that refnet's running database server instead of being refused."""
    url = url if url is not None else os.environ.get("REFNET_GRAPH_URL", "")
    if url.startswith(("bolt://", "bolt+s://", "neo4j://", "neo4j+s://")):
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            url,
            user=os.environ.get("REFNET_GRAPH_USER", "neo4j"),
            password=os.environ.get("REFNET_GRAPH_PASSWORD", ""),
            database=os.environ.get("REFNET_GRAPH_DATABASE") or None,
        )
    if url.startswith(("redis://", "rediss://", "unix://")):
        from graph.falkor_store import FalkorStore

        return FalkorStore.from_url(url, graph_name)
    if url:
        raise ValueError(f"REFNET_GRAPH_URL: unsupported scheme in {url!r} (bolt://, neo4j://, redis://)")
    from graph.embedded import DataDirBusy, EmbeddedFalkor, attach_running
    from graph.falkor_store import FalkorStore

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
