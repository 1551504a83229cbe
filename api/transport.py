"""The HTTP side of every request refnet answers: one JSON shape for every error
(`{"errors": [{"message", "extensions": {"code"}}]}`, as GraphQL answers), and the checks a
request body passes before GraphQL sees it: size, UTF-8, JSON nesting, and no NUL, other
control characters or lone surrogates in any string."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.limits import LIMITS

STATUS_CODES = {400: "BAD_INPUT", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                405: "BAD_INPUT", 409: "CONFLICT", 413: "BAD_INPUT", 415: "BAD_INPUT", 429: "RATE_LIMITED",
                503: "UNAVAILABLE"}
DOMAIN_STATUS = {"BAD_INPUT": 400, "UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409,
                 "RATE_LIMITED": 429, "UNAVAILABLE": 503}
JSON_NESTING_MAX = 64
ALLOWED_CONTROLS = "\t\n\r"


class RequestRefused(Exception):
    """A request refused before GraphQL runs: an HTTP status, a code and a message."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or STATUS_CODES.get(status, "BAD_INPUT")


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def error_response(code: str, message: str, status: int | None = None, headers: dict[str, str] | None = None,
                   ) -> Response:
    """The JSON error every route answers with (ASCII-escaped, so any message encodes)."""
    return Response(json.dumps(error_body(code, message)), status_code=status or DOMAIN_STATUS.get(code, 400),
                    media_type="application/json", headers=headers)


async def read_body(request: Request, limit: int = LIMITS.body_bytes) -> bytes:
    """The whole body, refused (413) once it grows past `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise RequestRefused(413, f"the request body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestRefused(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def bracket_depth(text: str) -> int:
    """How deeply JSON or GraphQL brackets nest in `text`, ignoring strings (checked before a
    recursive parser sees it)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "}])":
            depth -= 1
    return deepest


def decode_json(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRefused(400, "the request body is not UTF-8 text") from None
    if bracket_depth(text) > JSON_NESTING_MAX:
        raise RequestRefused(400, f"the JSON body nests deeper than {JSON_NESTING_MAX} levels")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise RequestRefused(400, f"the request body is not valid JSON ({getattr(error, 'msg', error)})") from None
    check_strings(data)
    return data


def refused_control(text: str) -> str | None:
    for char in text:
        if char not in ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def check_strings(value: Any, where: str = "request") -> None:
    """No string anywhere in a request may hold NUL, other control characters (tab and line
    breaks excepted) or lone surrogates: they cannot be stored or shown faithfully."""
    if isinstance(value, str):
        char = refused_control(value)
        if char is not None:
            raise RequestRefused(400, f"{where}: text must not contain control characters or lone surrogates "
                                      f"(found U+{ord(char):04X})")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_strings(key, where)
            check_strings(item, f"{where}.{key}" if len(where) < 80 and isinstance(key, str) else where)
    elif isinstance(value, list):
        for item in value:
            check_strings(item, where)


def check_graphql_request(data: Any) -> None:
    """The shape of a GraphQL request body and its document's size and nesting."""
    if not isinstance(data, dict):
        raise RequestRefused(400, "the request body must be a JSON object with a \"query\"")
    query = data.get("query")
    if isinstance(query, str):
        if len(query) > LIMITS.query_chars:
            raise RequestRefused(400, f"the query is {len(query)} characters long; at most {LIMITS.query_chars} "
                                      "are allowed")
        if bracket_depth(query) > LIMITS.depth * 2 + 8:
            raise RequestRefused(400, f"the query nests deeper than {LIMITS.depth} levels")


def check_query_params(params: dict[str, str]) -> None:
    check_strings(params, "query string")
    check_graphql_request(params)
    variables = params.get("variables")
    if variables is not None:
        decode_json(variables.encode("utf-8", "surrogatepass"))
