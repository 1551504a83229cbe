"""The back office at /app: server-rendered page shells whose data come through GraphQL.

Each page route first runs a small GraphQL read with the request's own context (the same
permission checks as any API client): a caller who may not read the member or family of the
page gets a 403 page, an unknown one a 404 page, nobody signed in the sign-in form. The page's
script then reads the rest through `/graphql` with the session cookie.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

ME = "{ me { kind memberId name } }"
NETWORK_CHECK = "query($id: ID!) { member(id: $id) { id name } }"
MONEY_CHECK = "query($id: ID!) { member(id: $id) { id name } ledger(memberId: $id, first: 1) { id } }"
FAMILY_CHECK = "query($id: ID!) { family(id: $id) { id name } }"


# Everything the pages load comes from refnet itself: the browser refuses anything else.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def html_response(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


async def run_graphql(request: Request, query: str, variables: dict[str, Any] | None = None) -> tuple[Any, list]:
    """Executes a read with the request's own context: data and the errors' codes."""
    from api.app import request_context
    from api.schema import schema

    context = await request_context(request)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    errors = [error.formatted for error in result.errors or []]
    return result.data, errors


def _first_code(errors: list[dict[str, Any]]) -> str | None:
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code:
            return str(code)
    return None


NAV = (("network", "Network", "/app/network"), ("money", "Money", "/app/money"),
       ("family", "Family", "/app/family"), ("graphiql", "GraphiQL", "/app/graphiql"))


def _nav(active: str, me: dict[str, Any]) -> str:
    items = []
    for key, label, href in NAV:
        if key == "family" and me["kind"] not in ("ADMIN", "LEADER"):
            continue
        current = ' aria-current="page"' if key == active else ""
        items.append(f'<li><a href="{href}"{current}>{label}</a></li>')
    return "".join(items)


def page(me: dict[str, Any], active: str, title: str, main: str, script: str | None = None,
         data: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    who = html.escape(me.get("name") or me.get("memberId") or ("admin" if me["kind"] == "ADMIN" else ""))
    kind = html.escape(me["kind"].lower())
    body = template("base.html").substitute(
        title=html.escape(title),
        nav=_nav(active, me),
        who=f'<span class="who">{who} <small>({kind})</small></span>' if who else "",
        main=main,
        data=script_json({"me": me, **(data or {})}),
        script=f'<script src="/app/static/{script}" defer></script>' if script else "",
    )
    return html_response(body, status)


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no markup can close it early."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def problem(me: dict[str, Any], active: str, status: int, message: str) -> HTMLResponse:
    title = {403: "Not allowed", 404: "Not found"}.get(status, "Error")
    main = f'<h1>{title}</h1><p class="empty" role="alert">{html.escape(message)}</p>'
    return page(me, active, title, main, status=status)


async def signed_in(request: Request) -> dict[str, Any] | None:
    data, _ = await run_graphql(request, ME)
    me = data["me"] if data else None
    return None if me is None or me["kind"] == "ANONYMOUS" else me


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/app/login?next={quote(target, safe='')}", status_code=303)


async def home(request: Request) -> Response:
    me = await signed_in(request)
    if me is None:
        return to_login(request)
    return RedirectResponse("/app/network", status_code=303)


async def login_page(request: Request) -> Response:
    error = request.query_params.get("error")
    nxt = request.query_params.get("next") or "/app"
    main = template("login.html").substitute(
        error='<p class="error" role="alert">That token was not accepted. Check it and try again.</p>'
        if error else "",
        next=html.escape(nxt),
    )
    return page({"kind": "ANONYMOUS", "memberId": None, "name": None}, "login", "Sign in", main)


async def _member_page(request: Request, active: str, title: str, check: str, script: str) -> Response:
    me = await signed_in(request)
    if me is None:
        return to_login(request)
    member_id = request.query_params.get("id") or me.get("memberId")
    if not member_id:
        main = template(f"{active}.html").substitute(title=title)
        return page(me, active, title, main, script, {"memberId": None})
    data, errors = await run_graphql(request, check, {"id": member_id})
    code = _first_code(errors)
    if code in ("FORBIDDEN", "UNAUTHENTICATED"):
        return problem(me, active, 403, f"You may not open the page of member {member_id}.")
    if errors:
        return problem(me, active, 400, errors[0].get("message", "error"))
    if data["member"] is None:
        return problem(me, active, 404, f"There is no member with id {member_id}.")
    main = template(f"{active}.html").substitute(title=title)
    return page(me, active, f"{title}: {data['member']['name']}", main, script, {"memberId": member_id})


async def network(request: Request) -> Response:
    return await _member_page(request, "network", "Network", NETWORK_CHECK, "network.js")


async def money(request: Request) -> Response:
    return await _member_page(request, "money", "Money", MONEY_CHECK, "money.js")


async def family(request: Request) -> Response:
    me = await signed_in(request)
    if me is None:
        return to_login(request)
    if me["kind"] not in ("ADMIN", "LEADER"):
        return problem(me, "family", 403, "The family dashboard is for family leaders and admins.")
    family_id = request.query_params.get("id")
    if family_id:
        data, errors = await run_graphql(request, FAMILY_CHECK, {"id": family_id})
        if _first_code(errors) in ("FORBIDDEN", "UNAUTHENTICATED"):
            return problem(me, "family", 403, f"You may not open family {family_id}.")
        if errors:
            return problem(me, "family", 400, errors[0].get("message", "error"))
        if data["family"] is None:
            return problem(me, "family", 404, f"There is no family with id {family_id}.")
    main = template("family.html").substitute(title="Family")
    return page(me, "family", "Family dashboard", main, "family.js", {"familyId": family_id})


async def graphiql(request: Request) -> Response:
    me = await signed_in(request)
    if me is None:
        return to_login(request)
    return html_response(graphiql_html())


def graphiql_html() -> str:
    return (TEMPLATES / "graphiql.html").read_text(encoding="utf-8")


ROUTES = [
    Route("/app", home, methods=["GET"]),
    Route("/app/login", login_page, methods=["GET"]),
    Route("/app/network", network, methods=["GET"]),
    Route("/app/money", money, methods=["GET"]),
    Route("/app/family", family, methods=["GET"]),
    Route("/app/graphiql", graphiql, methods=["GET"]),
    Mount("/app/static", app=StaticFiles(directory=STATIC), name="static"),
]
