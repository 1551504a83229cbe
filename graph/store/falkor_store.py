"""FalkorDB backend (embedded or external), through the `falkordb` client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from falkordb import FalkorDB

from graph.store.store import Row, query_text


def _plain(value: Any) -> Any:
    """Parameters as the client can send them: it turns values into Cypher text itself."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"parameter of type {type(value).__name__} cannot be sent to FalkorDB: {value!r}")


class FalkorStore:
    backend = "falkordb"

    def __init__(self, db: FalkorDB, graph_name: str, server: Any = None, owns_connection: bool = True) -> None:
        self._db = db
        self._owns_connection = owns_connection
        self.graph_name = graph_name
        self.graph = db.select_graph(graph_name)
        self.server = server
        if server is not None:
            self.backend = "falkordb-embedded"

    @classmethod
    def from_url(cls, url: str, graph_name: str) -> "FalkorStore":
        return cls(FalkorDB.from_url(url), graph_name)

    @classmethod
    def from_socket(cls, path: str, graph_name: str, server: Any = None) -> "FalkorStore":
        return cls(FalkorDB(unix_socket_path=path), graph_name, server=server)

    def with_graph(self, graph_name: str) -> "FalkorStore":
        """Another graph on the same server (tests use one graph per test)."""
        return FalkorStore(self._db, graph_name, owns_connection=False)

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.run_text(query_text(name), params)

    def run_text(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_ms: int | None = None,
    ) -> list[Row]:
        plain = _plain(dict(params or {}))
        call = self.graph.ro_query if read_only else self.graph.query
        result = call(text, plain or None, timeout=timeout_ms)
        names = [column[1] for column in result.header]
        return [dict(zip(names, row)) for row in result.result_set]

    def command(self, *args: Any) -> Any:
        """A raw server command (FalkorDB-only schema DDL)."""
        return self._db.connection.execute_command(*args)

    def close(self) -> None:
        if not self._owns_connection:
            return
        try:
            self._db.connection.close()
        finally:
            if self.server is not None:
                self.server.stop()
