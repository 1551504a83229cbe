"""Large reads of plain values (issue 18, third round): a close's snapshot is a few rows of
lists — every member's id and sponsor, every order of the month — about 1.6 million values
for 100,000 members and 200,000 orders. The `falkordb` client parses each value through a
function call per value (~1.5 µs: 2.5 s of the 3.6 s a snapshot read took); on FalkorDB
`read` asks for the same compact result and takes strings and integers as the connection
already decoded them. Anything but null, text, integers, booleans, doubles and lists of them
(nodes, maps, ...) is handed to the client's own parser. Other stores answer through `run`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from falkordb.query_result import parse_scalar

from graph.store.falkor_store import FalkorStore, params_header
from graph.store.store import Row, Store, query_text

_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY = 1, 2, 3, 4, 5, 6


def read(store: Store, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    """The rows of read-only query `name`, as `store.run(name, params)` answers them."""
    if not isinstance(store, FalkorStore):
        return store.run(name, params)
    return read_text(store, query_text(name), params)


def read_text(store: FalkorStore, text: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    """The rows of read-only query `text`, as `store.run_text(text, params)` answers them."""
    reply = store.command("GRAPH.RO_QUERY", store.graph_name, params_header(params) + text, "--compact")
    if len(reply) < 3:  # a statement that returns no columns answers its statistics only
        return []
    header, rows = reply[0], reply[1]
    names = [column[1] for column in header]
    return [dict(zip(names, (_value(cell, store.graph) for cell in row))) for row in rows]


def _value(cell: list[Any], graph: Any) -> Any:
    kind, value = cell
    if kind == _ARRAY:
        return [item if kind in (_STRING, _INTEGER) else _value([kind, item], graph) for kind, item in value]
    if kind == _STRING:
        return _text(value)
    if kind == _INTEGER:
        return int(value)
    if kind == _NULL:
        return None
    if kind == _BOOLEAN:
        return _text(value) == "true"
    if kind == _DOUBLE:
        return float(value)
    return parse_scalar(cell, graph)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else value
