"""Who is calling: one principal per request (anonymous, member, family leader or admin),
from `Authorization: Bearer <token>` or the `refnet_session` cookie set by `POST /auth/login`.

Tokens: the admin token (`REFNET_ADMIN_TOKEN`) or a member token (graph/tokens.py). With no
admin token configured, a request without a token is the admin (the loopback development
default; `refnet serve` refuses other addresses then), but a member token still makes the
request that member's, so the permission layer applies whenever a principal is established.

A cookie-authenticated POST must carry `X-CSRF-Token` equal to the `refnet_csrf` cookie
(double submit: another site can make the browser send the cookie, not read it).
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from dataclasses import dataclass
from enum import Enum
from urllib.parse import parse_qs

import strawberry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from api.transport import RequestRefused, check_strings, error_response, read_body
from graph.access import tokens
from graph.service import Refnet

SESSION_COOKIE = "refnet_session"
CSRF_COOKIE = "refnet_csrf"
CSRF_HEADER = "x-csrf-token"
LOGIN_FAILED_PAGE = "/app/login?error=1"


@strawberry.enum
class PrincipalKind(Enum):
    ANONYMOUS = "ANONYMOUS"
    MEMBER = "MEMBER"
    LEADER = "LEADER"
    ADMIN = "ADMIN"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    member_id: str | None = None
    name: str | None = None
    leads: tuple[str, ...] = ()  # families this member leads
    refused_token: bool = False  # a token was given but is unknown, revoked or expired

    @property
    def is_admin(self) -> bool:
        return self.kind is PrincipalKind.ADMIN


ANONYMOUS = Principal(PrincipalKind.ANONYMOUS)
ADMIN = Principal(PrincipalKind.ADMIN)


def admin_token() -> str | None:
    return os.environ.get("REFNET_ADMIN_TOKEN") or None


def _is_admin_token(given: str) -> bool:
    token = admin_token()
    return token is not None and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode())


def principal_of_token(rn: Refnet, token: str | None) -> Principal:
    """The principal a token stands for (blocking: may read the graph)."""
    if not token:
        return ADMIN if admin_token() is None else ANONYMOUS
    if _is_admin_token(token):
        return ADMIN
    holder = tokens.token_holder(rn, token)
    if holder is not None:
        kind = PrincipalKind.LEADER if holder.leads else PrincipalKind.MEMBER
        return Principal(kind, holder.member_id, holder.name, holder.leads)
    if admin_token() is None and not token.startswith(tokens.TOKEN_PREFIX):
        return ADMIN  # development default: no admin token configured, any other bearer is the admin
    return Principal(PrincipalKind.ANONYMOUS, refused_token=True)


def bearer_of(request: Request) -> str | None:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" and given.strip() else None


def check_csrf(request: Request) -> None:
    """A cookie-authenticated request that changes something must echo the CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    header = request.headers.get(CSRF_HEADER) or ""
    if not cookie or not hmac.compare_digest(cookie.encode(), header.encode()):
        raise RequestRefused(403, f"a signed-in browser request must send the header X-CSRF-Token equal to the "
                                  f"{CSRF_COOKIE} cookie")


async def principal_of(request: Request) -> Principal:
    """The request's principal: the bearer token wins over the session cookie."""
    token = bearer_of(request)
    if token is None:
        token = request.cookies.get(SESSION_COOKIE) or None
        if token is not None and request.method not in ("GET", "HEAD"):
            check_csrf(request)
    if token is not None and (len(token) > 512 or not token.isascii()):
        return Principal(PrincipalKind.ANONYMOUS, refused_token=True)
    rn: Refnet = request.app.state.rn
    if not token or _is_admin_token(token):
        return principal_of_token(rn, token)
    return await run_in_threadpool(principal_of_token, rn, token)


def principal_json(principal: Principal) -> dict[str, object]:
    return {"kind": principal.kind.value, "memberId": principal.member_id, "name": principal.name}


async def _login_fields(request: Request) -> tuple[dict[str, str], bool]:
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    body = await read_body(request, 16 * 1024)
    if content_type == "application/json":
        from api.transport import decode_json

        data = decode_json(body)
        if not isinstance(data, dict):
            raise RequestRefused(400, "the body must be a JSON object with a \"token\"")
        return {k: v for k, v in data.items() if isinstance(v, str)}, False
    if content_type == "application/x-www-form-urlencoded":
        try:
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), strict_parsing=False).items()}
        except UnicodeDecodeError:
            raise RequestRefused(400, "the form is not UTF-8 text") from None
        check_strings(fields, "form")
        return fields, True
    raise RequestRefused(415, "send the token as a form (application/x-www-form-urlencoded) or as JSON")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative address (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/app"
    return target


async def login(request: Request) -> Response:
    """`POST /auth/login` with `token`: sets the session and CSRF cookies."""
    try:
        fields, is_form = await _login_fields(request)
    except RequestRefused as refused:
        return error_response(refused.code, refused.message, refused.status)
    token = fields.get("token", "").strip()
    principal = await run_in_threadpool(principal_of_token, request.app.state.rn, token) if token else ANONYMOUS
    if principal.kind is PrincipalKind.ANONYMOUS or (principal.is_admin and not _is_admin_token(token)):
        if is_form:
            return RedirectResponse(LOGIN_FAILED_PAGE, status_code=303)
        return error_response("UNAUTHENTICATED", "the token is unknown, revoked or expired", 401)
    response: Response
    if is_form:
        response = RedirectResponse(_safe_next(fields.get("next")), status_code=303)
    else:
        response = JSONResponse({"ok": True, "principal": principal_json(principal)})
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/", secure=secure)
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), httponly=False, samesite="strict", path="/",
                        secure=secure)
    return response


async def logout(request: Request) -> Response:
    """`POST /auth/logout`: clears both cookies (a form gets a redirect to the login page)."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    response: Response
    if content_type == "application/x-www-form-urlencoded":
        response = RedirectResponse("/app/login", status_code=303)
    else:
        response = Response(json.dumps({"ok": True}), media_type="application/json")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", samesite="strict")
    return response


ROUTES = [Route("/auth/login", login, methods=["POST"]), Route("/auth/logout", logout, methods=["POST"])]


def refusal(principal: Principal, what: str) -> Response:
    """The coded answer of a plain HTTP route the principal may not use."""
    if principal.kind is PrincipalKind.ANONYMOUS:
        message = ("the token is unknown, revoked or expired" if principal.refused_token
                   else f"{what} needs Authorization: Bearer <token> or a signed-in session")
        return error_response("UNAUTHENTICATED", message, 401)
    return error_response("FORBIDDEN", f"{what} is not open to this {principal.kind.value.lower()}", 403)
