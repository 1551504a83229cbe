"""The ASGI application: GraphQL at /graphql, health at /healthz, refnet's engine in app state."""

from __future__ import annotations

import contextlib
import logging
from typing import Any, AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL

from api import explore, family
from api.context import Context
from api.schema import schema
from api.web import pages, provisional_access
from graph.network.rotation import weekly_rotation
from graph.service import Refnet

log = logging.getLogger("refnet.api")

# Background jobs started with the app (e.g. the weekly rotation); each gets the engine and
# runs until cancelled.
BackgroundJob = Callable[[Refnet], Awaitable[None]]
BACKGROUND_JOBS: list[BackgroundJob] = [weekly_rotation]

# Plain HTTP routes of feature modules, besides /healthz and /graphql.
EXTRA_ROUTES: list[BaseRoute] = [*family.ROUTES, *explore.ROUTES, *provisional_access.ROUTES, *pages.ROUTES]


class RefnetGraphQL(GraphQL):
    async def get_context(self, request: Request, response: Any = None) -> Context:  # type: ignore[override]
        return await provisional_access.request_context(request)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:  # type: ignore[override]
        """GraphiQL from refnet's own vendored assets: it works where there is no internet."""
        return HTMLResponse(pages.graphiql_html())


async def healthz(request: Request) -> Response:
    rn: Refnet = request.app.state.rn
    try:
        await run_in_threadpool(rn.store.run, "health_probe", {"now": rn.clock()})
    except Exception:
        log.exception("health probe failed")
        return JSONResponse({"status": "unavailable", "graph": rn.store.backend}, status_code=503)
    return JSONResponse({"status": "ok", "graph": rn.store.backend})


def create_app(open_engine: Callable[[], Refnet], jobs: list[BackgroundJob] | None = None) -> Starlette:
    """An app that opens its engine at start-up and closes it (and its embedded database) at shutdown."""
    import asyncio

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        rn = await run_in_threadpool(open_engine)
        app.state.rn = rn
        tasks = [asyncio.create_task(job(rn)) for job in (BACKGROUND_JOBS if jobs is None else jobs)]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await run_in_threadpool(rn.store.close)

    graphql = RefnetGraphQL(schema, graphql_ide="graphiql")
    return Starlette(
        routes=[Route("/healthz", healthz), Route("/graphql", provisional_access.CsrfGuard(graphql), methods=["GET", "POST"]), *EXTRA_ROUTES],
        lifespan=lifespan,
    )
