"""The ASGI application: GraphQL at /graphql, health at /healthz, refnet's engine in app state."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL

from api import auth, explore, family
from api.auth import principal_of
from api.context import Context
from api.ratelimit import SignUpLimits
from api.schema import schema
from api.transport import (
    STATUS_CODES,
    RequestRefused,
    check_graphql_request,
    check_query_params,
    decode_json,
    error_response,
    read_body,
)
from api.web import pages
from graph.core.errors import DomainError
from graph.network.rotation import weekly_rotation
from graph.service import Refnet

log = logging.getLogger("refnet.api")

# Background jobs started with the app (e.g. the weekly rotation); each gets the engine and
# runs until cancelled.
BackgroundJob = Callable[[Refnet], Coroutine[Any, Any, None]]
BACKGROUND_JOBS: list[BackgroundJob] = [weekly_rotation]

# Plain HTTP routes of feature modules, besides /healthz and /graphql.
EXTRA_ROUTES: list[BaseRoute] = [*family.ROUTES, *explore.ROUTES, *auth.ROUTES, *pages.ROUTES]


class RefnetGraphQL(GraphQL):
    """Strawberry's view behind refnet's transport checks (api/transport.py): every refusal,
    its own included, is a coded JSON error."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope=scope, receive=receive)
        try:
            response = await self._answer(request)
        except RequestRefused as refused:
            response = error_response(refused.code, refused.message, refused.status)
        except HTTPException as error:
            response = error_response(STATUS_CODES.get(error.status_code, "BAD_INPUT"), error.reason, error.status_code)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        if request.method == "POST":
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if content_type != "application/json":
                raise RequestRefused(415, "send the GraphQL request as JSON (Content-Type: application/json)")
            request._body = await read_body(request)  # read once, checked here, reused by strawberry
            check_graphql_request(decode_json(request._body))
        elif request.method == "GET":
            check_query_params(dict(request.query_params))
        return await self.run(request)

    async def get_context(self, request: Request, response: Any = None) -> Context:  # type: ignore[override]
        return await request_context(request)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL from refnet's own vendored assets: it works where there is no internet."""
        return pages.html_response(pages.graphiql_html())


async def request_context(request: Request) -> Context:
    """The GraphQL context of a request: API clients and the back office's page routes."""
    return Context(rn=request.app.state.rn, principal=await principal_of(request),
                   client=request.client.host if request.client else "unknown",
                   signup_limits=request.app.state.signup_limits,
                   writer=getattr(request.app.state, "writer", None))


async def healthz(request: Request) -> Response:
    """200 when the graph answers a read and a write; 503 saying what the database is doing."""
    rn: Refnet = request.app.state.rn
    server = getattr(rn.store, "server", None)
    status = server.status() if server is not None else None
    if status is not None and status.state != "running":
        return JSONResponse({"status": status.state, "graph": rn.store.backend, "detail": status.detail,
                             "restarts": status.restarts}, status_code=503)
    try:
        await run_in_threadpool(rn.store.run, "health_probe", {"now": rn.clock()})
    except Exception as error:
        log.warning("health probe failed: %s", error)
        detail = error.message if isinstance(error, DomainError) else "the health probe failed; see the log"
        return JSONResponse({"status": "unavailable", "graph": rn.store.backend, "detail": detail}, status_code=503)
    return JSONResponse({"status": "ok", "graph": rn.store.backend})


def create_app(open_engine: Callable[[], Refnet], jobs: list[BackgroundJob] | None = None,
               group_commit: bool = True) -> Starlette:
    """An app that opens its engine at start-up and closes it (and its embedded database) at shutdown.
    With `group_commit`, single registrations and orders queue for the engine's one writer
    (`graph.group_commit`), which books concurrent ones together."""
    import asyncio

    from graph.group_commit import GroupCommit

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        rn = await run_in_threadpool(open_engine)
        app.state.rn = rn
        app.state.signup_limits = SignUpLimits.from_environment()
        app.state.writer = GroupCommit(rn).start() if group_commit else None
        tasks = [asyncio.create_task(job(rn)) for job in (BACKGROUND_JOBS if jobs is None else jobs)]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if app.state.writer is not None:
                await run_in_threadpool(app.state.writer.stop)
            await run_in_threadpool(rn.store.close)

    graphql = RefnetGraphQL(schema, graphql_ide="graphiql")
    return Starlette(
        routes=[Route("/healthz", healthz), Route("/graphql", graphql, methods=["GET", "POST"]), *EXTRA_ROUTES],
        lifespan=lifespan,
    )
