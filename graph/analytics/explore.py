"""People's own Cypher, run read-only: `refnet query` and the admin-only GraphQL `explore`.

The database enforces read-only (FalkorDB `GRAPH.RO_QUERY`, Neo4j READ access mode); a
pre-check of write clauses only gives a clearer message first. Every statement runs with a
timeout, and at most `max_rows` rows come back (the rest is cut and `truncated` is set).
Values are made JSON-safe: nodes become `{"labels", "properties"}`, relationships
`{"type", "properties"}`, paths `{"nodes", "relationships"}`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput, Forbidden

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


DEFAULT_MAX_ROWS = 1_000
MAX_ROWS_LIMIT = 10_000
DEFAULT_TIMEOUT_MS = 10_000
MAX_TIMEOUT_MS = 60_000
QUERY_MAX_CHARS = 20_000
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# range() builds its whole list at once, before the database's timeout or memory checks can stop
# it (measured: `RETURN size(range(1,300000000))` ignored a 100 ms timeout), so explore takes
# ranges of literal bounds and at most this many elements.
RANGE_MAX = 1_000_000
_RANGE_CALL = re.compile(r"\brange\s*\(", re.IGNORECASE)
_LITERAL_RANGE = re.compile(r"\brange\s*\(\s*(-?\d{1,19})\s*,\s*(-?\d{1,19})\s*(?:,\s*(-?\d{1,19})\s*)?\)",
                            re.IGNORECASE)
_TRAILING_LIMIT = re.compile(r"\bLIMIT\s+(\d+)\s*;?\s*$", re.IGNORECASE)

# Clauses that write; matched outside string literals and comments.
_WRITE_CLAUSES = re.compile(
    r"(?<![.\w$])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b(?!\s*:)", re.IGNORECASE
)
_ALIASES = re.compile(r"\bAS\s+[A-Za-z_][A-Za-z0-9_]*", re.IGNORECASE)  # `RETURN x AS set` is no write
_STRINGS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL
)


@dataclass(frozen=True)
class ExploreResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


def write_clause(cypher: str) -> str | None:
    """The first write clause of a statement (outside strings and comments), or None."""
    text = _ALIASES.sub(" ", _STRINGS_AND_COMMENTS.sub(" ", cypher))
    found = _WRITE_CLAUSES.search(text)
    return found.group(1).upper() if found else None


def check_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters as the store can send them: names are identifiers, values plain JSON."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise BadInput("params: must be an object of name → value")
    for name, value in params.items():
        if not isinstance(name, str) or not PARAM_NAME.fullmatch(name):
            raise BadInput(f"params: {name!r} is not a parameter name (letters, digits, _)")
        _check_value(value, f"params.{name}")
    return dict(params)


def _check_value(value: Any, where: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadInput(f"{where}: must be a finite number")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_value(item, f"{where}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BadInput(f"{where}: map keys must be strings")
            _check_value(item, f"{where}.{key}")
        return
    raise BadInput(f"{where}: {type(value).__name__} is not a parameter value (use str, int, float, bool, null, lists, maps)")


def parse_param(text: str) -> tuple[str, Any]:
    """`k=v` from the command line. v is read as JSON when it is JSON (`5` → int, `2.5` → float,
    `true`, `null`, `[1,2]`, `"123"` → the string "123"), else taken as a plain string."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not PARAM_NAME.fullmatch(name):
        raise BadInput(f"--param: {text!r} is not name=value")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    _check_value(value, f"--param {name}")
    return name, value


def json_safe(value: Any) -> Any:
    """A query value as plain JSON: graph objects as maps, non-finite floats as strings."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    kind = type(value).__name__  # falkordb Node / Edge / Path, neo4j Node / Relationship / Path
    if kind == "Node":
        properties = value.properties if hasattr(value, "properties") else dict(value)
        return {"labels": sorted(value.labels or []), "properties": json_safe(dict(properties or {}))}
    if kind in ("Edge", "Relationship"):
        rel_type = value.relation if kind == "Edge" else value.type
        properties = value.properties if kind == "Edge" else dict(value)
        return {"type": rel_type, "properties": json_safe(dict(properties or {}))}
    if kind == "Path":
        nodes = value.nodes() if callable(value.nodes) else value.nodes
        edges = value.edges() if hasattr(value, "edges") else value.relationships
        return {"nodes": [json_safe(n) for n in nodes], "relationships": [json_safe(e) for e in edges]}
    return str(value)


def _is_read_only_refusal(error: Exception) -> bool:
    text = str(error)
    code = getattr(error, "code", "") or ""
    return ("RO_QUERY" in text and "read-only" in text) or "AccessMode" in code or "ForbiddenDueToTransactionType" in code


def _is_timeout(error: Exception) -> bool:
    text = str(error).lower()
    code = (getattr(error, "code", "") or "").lower()
    return "timed out" in text or "timeout" in code or "transactiontimedout" in code


def _code_only(cypher: str) -> str:
    """The statement with string literals and comments blanked out (same length, same offsets)."""
    return _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group()), cypher)


def check_ranges(cypher: str) -> None:
    """BAD_INPUT for a range() the database would build eagerly beyond RANGE_MAX elements."""
    code = _code_only(cypher)
    literal = {m.start(): m for m in _LITERAL_RANGE.finditer(code)}
    for call in _RANGE_CALL.finditer(code):
        found = literal.get(call.start())
        if found is None:
            raise BadInput("cypher: explore takes range() with literal whole-number bounds only")
        low, high, step = int(found.group(1)), int(found.group(2)), int(found.group(3) or 1)
        if step == 0 or (high - low) // step + 1 > RANGE_MAX:
            raise BadInput(f"cypher: range() in explore makes at most {RANGE_MAX:,} elements")


def limited(cypher: str, max_rows: int) -> str:
    """The statement with its row cap pushed into it (`LIMIT max_rows + 1`, to tell a cut), so the
    database stops producing rows there: a trailing LIMIT is lowered, a trailing RETURN gets one."""
    code = _code_only(cypher).rstrip()
    cap = max_rows + 1
    trailing = _TRAILING_LIMIT.search(code)
    if trailing is not None:
        if int(trailing.group(1)) <= cap:
            return cypher
        return cypher[:trailing.start(1)] + str(cap) + cypher[trailing.end(1):]
    returns = list(re.finditer(r"\bRETURN\b", code, re.IGNORECASE))
    if not returns or re.search(r"\bUNION\b", code, re.IGNORECASE) or re.search(r"\bLIMIT\b", code[returns[-1].end():],
                                                                                  re.IGNORECASE):
        return cypher
    body = cypher[:len(code)].rstrip()
    if body.endswith(";"):
        body = body[:-1]
    return f"{body}\nLIMIT {cap}"


def explore(
    rn: Refnet,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> ExploreResult:
    """Runs one read-only statement. Writes are FORBIDDEN (and change nothing); a timeout or a
    query the database rejects is BAD_INPUT."""
    if not isinstance(cypher, str) or not cypher.strip():
        raise BadInput("cypher: must not be empty")
    if len(cypher) > QUERY_MAX_CHARS:
        raise BadInput(f"cypher: at most {QUERY_MAX_CHARS} characters")
    if not 1 <= max_rows <= MAX_ROWS_LIMIT:
        raise BadInput(f"maxRows: must be between 1 and {MAX_ROWS_LIMIT}")
    if not 1 <= timeout_ms <= MAX_TIMEOUT_MS:
        raise BadInput(f"timeoutMs: must be between 1 and {MAX_TIMEOUT_MS}")
    clause = write_clause(cypher)
    if clause is not None:
        raise Forbidden(f"cypher: {clause} writes to the graph; explore runs read-only statements only")
    check_ranges(cypher)
    plain = check_params(params)
    try:
        rows = rn.store.run_text(limited(cypher, max_rows), plain, read_only=True, timeout_ms=timeout_ms)
    except Exception as error:  # the database's own refusal, mapped to a client-visible code
        if _is_read_only_refusal(error):
            raise Forbidden("cypher: the statement writes to the graph; explore runs read-only statements only") from error
        if _is_timeout(error):
            raise BadInput(
                f"cypher: the query ran longer than {timeout_ms} ms and was stopped; "
                "narrow it (start from an indexed member, bound path lengths)"
            ) from error
        if _is_query_error(error):
            raise BadInput(f"cypher: the database rejected the query: {_first_line(error)}") from error
        raise
    columns = list(rows[0].keys()) if rows else []
    truncated = len(rows) > max_rows
    return ExploreResult(
        columns=columns,
        rows=[[json_safe(row[column]) for column in columns] for row in rows[:max_rows]],
        truncated=truncated,
    )


def _is_query_error(error: Exception) -> bool:
    """Errors about the statement itself (syntax, unknown function, type errors)."""
    module = type(error).__module__
    if module.startswith("redis") and type(error).__name__ == "ResponseError":
        return True
    code = getattr(error, "code", "") or ""
    return code.startswith("Neo.ClientError.Statement")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]


def examples() -> list[str]:
    """Names of the documented example queries (`cypher/analytics/explore/<name>.cypher`)."""
    from importlib import resources

    folder = resources.files("cypher").joinpath("analytics", "explore")
    return sorted(item.name[: -len(".cypher")] for item in folder.iterdir() if item.name.endswith(".cypher"))


def run_example(rn: Refnet, name: str, params: Mapping[str, Any] | None = None,
                max_rows: int = MAX_ROWS_LIMIT) -> list[dict[str, Any]]:
    """An example query run read-only like anybody's, as a list of row dicts."""
    from graph.store.store import query_text

    if name not in examples():
        raise BadInput(f"example: no query named {name!r} (known: {', '.join(examples())})")
    result = explore(rn, query_text(f"explore/{name}"), params, max_rows=max_rows)
    return [dict(zip(result.columns, row)) for row in result.rows]
