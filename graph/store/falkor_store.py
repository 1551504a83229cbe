"""FalkorDB backend (embedded or external), through the `falkordb` client.

Timeouts are explicit (docs/operations.md, "Timeouts"): a statement may take up to
`REFNET_DB_TIMEOUT` seconds (default 300) before the client gives up and reports it as timed
out; the client never re-sends a statement by itself (a re-sent write could be booked twice).
A lost connection or a restarting server is `Unavailable`, never an unexplained failure.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from json.encoder import encode_basestring as _quoted
from typing import Any

import redis
from falkordb import FalkorDB, Graph
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.core.errors import BadInput, StatementTimedOut, Unavailable
from graph.store.store import Row, query_text

DEFAULT_STATEMENT_TIMEOUT_S = 300.0
CONNECT_TIMEOUT_S = 10.0


def statement_timeout_s() -> float:
    """Seconds a statement may run before the client reports it timed out (REFNET_DB_TIMEOUT)."""
    value = os.environ.get("REFNET_DB_TIMEOUT", "")
    try:
        seconds = float(value) if value else DEFAULT_STATEMENT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"REFNET_DB_TIMEOUT: a number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise ValueError("REFNET_DB_TIMEOUT: must be more than 0 seconds")
    return seconds


def client_options() -> dict[str, Any]:
    return {
        "socket_timeout": statement_timeout_s(),
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "retry": Retry(NoBackoff(), 0),
    }


def _plain(value: Any) -> Any:
    """Parameters as the client can send them: it turns values into Cypher text itself."""
    kind = type(value)
    if kind is str:
        if "\x00" in value:  # FalkorDB reads the query as C text: a NUL would cut it off
            raise BadInput(f"{value[:40]!r}: text must not contain the NUL character (\\x00)")
        return value
    if kind is int or value is None or kind is bool or kind is float:
        return value  # the common cases first: bulk batches carry hundreds of thousands of values
    if kind is dict:
        return {str(k): _plain(v) for k, v in value.items()}
    if kind is list:
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return _plain(str(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"parameter of type {type(value).__name__} cannot be sent to FalkorDB: {value!r}")


class _Unusual(Exception):
    """A parameter `params_header` leaves to the client's own path (a subclass, bytes, a key
    it would refuse): rare, and that path gives the same text or the same error."""


def params_header(params: Mapping[str, Any] | None) -> str:
    """The `CYPHER name=value ...` header the client builds from `_plain(params)`, the same
    text in one pass: bulk statements send hundreds of thousands of values, and the client's
    path (copy, then `isinstance` checks and a call per value) was most of their client time."""
    if not params:
        return ""
    parts = ["CYPHER "]
    try:
        for key, value in params.items():
            if type(key) is not str or not key or "`" in key:
                raise _Unusual
            parts.append(f"`{key}`=")
            _literal(value, parts)
            parts.append(" ")
    except _Unusual:
        plain = _plain(dict(params))
        return _client_header(plain) if plain else ""
    return "".join(parts)


def _literal(value: Any, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise BadInput(f"{value[:40]!r}: text must not contain the NUL character (\\x00)")
        # a printable string needs only `"` and `\` escaped: the json module's C encoder does it
        parts.append(_quoted(value) if value.isprintable() else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
    elif kind is int or kind is float or kind is bool:
        parts.append(str(value))
    elif value is None:
        parts.append("null")
    elif kind is list or kind is tuple:
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _literal(item, parts)
        parts.append("]")
    elif kind is dict:
        # a batch's rows are maps of a few keys and mostly plain values: those are written here,
        # not by a call each (the same text, in about two thirds of the time)
        separator = "{"
        for key, item in value.items():
            name = _KEY_TEXT.get(key) or _key_text(key)
            item_kind = type(item)
            if item_kind is int:
                parts.append(f"{separator}{name}{item}")
            elif item is None:
                parts.append(f"{separator}{name}null")
            elif item_kind is str and item.isprintable():
                parts.append(f"{separator}{name}{_quoted(item)}")
            else:
                parts.append(separator + name)
                _literal(item, parts)
            separator = ","
        parts.append("}" if separator == "," else "{}")
    else:
        raise _Unusual


_KEY_TEXT: dict[str, str] = {}  # a map key → its text (`key`:), for the keys seen so far
_KEYS_KEPT = 10_000


def _key_text(key: Any) -> str:
    if type(key) is not str or not key or "`" in key:
        raise _Unusual
    text = f"`{key}`:"
    if len(_KEY_TEXT) < _KEYS_KEPT:
        _KEY_TEXT[key] = text
    return text


def _client_header(plain: dict[str, Any]) -> str:
    """The header as the client builds it (the method uses nothing of its graph)."""
    header: str = Graph._build_params_header(None, plain)
    return header


class FalkorStore:
    backend = "falkordb"

    def __init__(self, db: FalkorDB, graph_name: str, server: Any = None, owns_connection: bool = True) -> None:
        self._db = db
        self._owns_connection = owns_connection
        self.graph_name = graph_name
        self.graph = db.select_graph(graph_name)
        self.server = server
        self.socket_path: str | None = None
        if server is not None:
            self.backend = "falkordb-embedded"

    @classmethod
    def from_url(cls, url: str, graph_name: str) -> "FalkorStore":
        if url.startswith("unix://"):
            return cls.from_socket(url.removeprefix("unix://"), graph_name)
        return cls(FalkorDB(connection_pool=redis.ConnectionPool.from_url(url, decode_responses=True, **client_options())),
                   graph_name)

    @classmethod
    def from_socket(cls, path: str, graph_name: str, server: Any = None) -> "FalkorStore":
        store = cls(FalkorDB(unix_socket_path=path, **client_options()), graph_name, server=server)
        store.socket_path = path
        return store

    def compaction_paused(self) -> contextlib.AbstractContextManager[None]:
        """See `graph.store.store.bulk_job`: the embedded server's own setting; an external
        server's configuration is its operator's."""
        if self.server is None:
            return contextlib.nullcontext()
        paused: contextlib.AbstractContextManager[None] = self.server.compaction_paused()
        return paused

    def with_graph(self, graph_name: str) -> "FalkorStore":
        """Another graph on the same server (tests use one graph per test)."""
        store = FalkorStore(self._db, graph_name, owns_connection=False)
        store.socket_path = self.socket_path
        return store

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.run_text(query_text(name), params)

    def prepare(self, name: str, params: Mapping[str, Any]) -> Any:
        """The statement as the client would send it: the `CYPHER name=value …` header the
        client builds (the same text from `params_header`), then the query."""
        return params_header(params) + query_text(name)

    def run_prepared(self, prepared: Any) -> list[Row]:
        return self.run_text(prepared)

    def run_text(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_ms: int | None = None,
    ) -> list[Row]:
        header = params_header(params)
        call = self.graph.ro_query if read_only else self.graph.query
        with self.unavailable_as_coded():
            result = call(header + text, None, timeout=timeout_ms)
        if self.server is not None and not read_only and _changed(result):
            self.server.statement_ran(result.run_time_ms / 1000)
        names = [column[1] for column in result.header]
        return [dict(zip(names, row)) for row in result.result_set]

    def command(self, *args: Any) -> Any:
        """A raw server command (FalkorDB-only schema DDL, backups)."""
        with self.unavailable_as_coded():
            return self._db.connection.execute_command(*args)

    @contextlib.contextmanager
    def unavailable_as_coded(self) -> Iterator[None]:
        """Turns the client's transport errors into coded ones a person understands."""
        try:
            yield
        except redis.TimeoutError as error:
            raise StatementTimedOut(
                f"the database did not answer within {statement_timeout_s():g} s (REFNET_DB_TIMEOUT) and the "
                "statement was abandoned; a write may still have been applied: check before retrying"
            ) from error
        except redis.BusyLoadingError as error:
            raise Unavailable("the database is loading its data after a restart; retry in a few seconds") from error
        except (redis.ConnectionError, ConnectionError, FileNotFoundError) as error:
            raise Unavailable(f"the database {self._doing()}; retry in a few seconds") from error
        except redis.ResponseError as error:
            if not _server_down(error):
                raise
            raise Unavailable(f"the database {self._doing()}; retry in a few seconds") from error

    def _doing(self) -> str:
        server = self.server
        return "is restarting" if server is not None and server.status().state != "stopped" else "is unreachable"

    def close(self) -> None:
        if not self._owns_connection:
            return
        try:
            self._db.connection.close()
        finally:
            if self.server is not None:
                self.server.stop()


def _changed(result: Any) -> bool:
    """Whether a statement changed the graph: only those go to the append-only file (reads run
    through `run` too)."""
    return bool(result.properties_set or result.nodes_created or result.relationships_created
                or result.nodes_deleted or result.relationships_deleted)


def _server_down(error: BaseException) -> bool:
    text = str(error)
    return isinstance(error, redis.ResponseError) and (text.startswith("LOADING") or "MISCONF" in text)
