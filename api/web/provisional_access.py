"""PROVISIONAL sign-in, standing in for the sign-in issue (15) until it lands; replaced at merge.

It implements the fixed contract between the sign-in work and the back office, and nothing more:
- `POST /auth/login` (form or JSON field `token`) sets the HttpOnly session cookie
  `refnet_session` and the readable `refnet_csrf`; `POST /auth/logout` clears both;
- `/graphql` takes the cookie as well as `Authorization: Bearer`; a cookie-authenticated POST
  must send `X-CSRF-Token` equal to the `refnet_csrf` cookie, else FORBIDDEN;
- `Query.me` and the admin's `createMemberToken(memberId)`.
A member token is `m.<memberId>.<HMAC of the id under the admin token>` (no revocation). A
member may run only the reads listed in `MEMBER_READS`, on itself or members below it; it then
passes the admin checks of those reads for the rest of that request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import parse_qs

import strawberry
from graphql import GraphQLResolveInfo
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.types import Info

from api.context import Context, admin_token, require_admin
from graph.core.errors import Forbidden
from graph.network.members import get_member
from graph.network.next_placement import in_network
from graph.plans.family.listing import families_led
from graph.service import Refnet

SESSION_COOKIE = "refnet_session"
CSRF_COOKIE = "refnet_csrf"
CSRF_HEADER = "x-csrf-token"
_PROCESS_KEY = secrets.token_hex(32)


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


ANONYMOUS = Principal(PrincipalKind.ANONYMOUS)
ADMIN = Principal(PrincipalKind.ADMIN, name="admin")


def _key() -> bytes:
    return (admin_token() or _PROCESS_KEY).encode()


def member_token(member_id: str) -> str:
    digest = hmac.new(_key(), member_id.encode(), hashlib.sha256).hexdigest()[:32]
    return f"m.{member_id}.{digest}"


def principal_of_token(rn: Refnet, token: str) -> Principal | None:
    """The principal a token stands for, None when it is no valid token."""
    admin = admin_token()
    if admin is not None and hmac.compare_digest(token.encode(), admin.encode()):
        return ADMIN
    prefix, _, rest = token.partition(".")
    member_id = rest.rpartition(".")[0]
    if prefix != "m" or not member_id or not hmac.compare_digest(token, member_token(member_id)):
        return None
    record = get_member(rn, member_id)
    if record is None:
        return None
    kind = PrincipalKind.LEADER if families_led(rn, member_id) else PrincipalKind.MEMBER
    return Principal(kind, member_id, record.name)


def _request_token(request: Request) -> tuple[str | None, bool]:
    """The caller's token and whether it came from the session cookie."""
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        return given.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


async def principal_of(request: Request) -> Principal:
    if admin_token() is None:
        return ADMIN  # no token configured: every caller is the admin, as before sign-in existed
    token, _ = _request_token(request)
    if token is None:
        return ANONYMOUS
    found = await run_in_threadpool(principal_of_token, request.app.state.rn, token)
    return found or ANONYMOUS


@dataclass
class SessionContext(Context):
    principal: Principal = ANONYMOUS


async def request_context(request: Request) -> SessionContext:
    """The GraphQL context of a request (API client or the back office's pages)."""
    principal = await principal_of(request)
    return SessionContext(rn=request.app.state.rn, is_admin=principal.kind is PrincipalKind.ADMIN,
                          principal=principal)


def _error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


def _forbidden(message: str) -> JSONResponse:
    return _error("FORBIDDEN", message, 403)


class CsrfGuard:
    """Wraps /graphql: a POST authenticated by the session cookie needs X-CSRF-Token."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            request = Request(scope)
            from_cookie = _request_token(request)[1]
            if from_cookie and not csrf_ok(request):
                await _forbidden("a signed-in browser request needs the X-CSRF-Token header "
                                 "equal to the refnet_csrf cookie")(scope, receive, send)
                return
        await self.app(scope, receive, send)


def csrf_ok(request: Request) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    header = request.headers.get(CSRF_HEADER) or ""
    return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode())


def safe_next(value: str | None) -> str:
    """Only a path of this site: an open redirect would send a signed-in user elsewhere."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/app"
    return value


async def login(request: Request) -> Response:
    content_type = request.headers.get("content-type", "")
    is_json = content_type.startswith("application/json")
    body = await request.body()
    if is_json:
        try:
            fields = json.loads(body or b"{}")
        except ValueError:
            fields = None
        if not isinstance(fields, dict):
            return _error("BAD_INPUT", "body: not a JSON object with a token", 400)
    else:
        fields = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
    token = str(fields.get("token") or "").strip()
    principal = await run_in_threadpool(principal_of_token, request.app.state.rn, token) if token else None
    if principal is None:
        if is_json:
            return _error("UNAUTHENTICATED", "token: not a valid token", 401)
        return RedirectResponse("/app/login?error=1", status_code=303)
    response: Response
    if is_json:
        response = JSONResponse({"ok": True, "principal": principal_json(principal)})
    else:
        response = RedirectResponse(safe_next(fields.get("next")), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/", secure=secure)
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), httponly=False, samesite="strict", path="/",
                        secure=secure)
    return response


async def logout(request: Request) -> Response:
    is_json = request.headers.get("content-type", "").startswith("application/json")
    response: Response = JSONResponse({"ok": True}) if is_json else RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def principal_json(principal: Principal) -> dict[str, Any]:
    return {"kind": principal.kind.value, "memberId": principal.member_id, "name": principal.name}


ROUTES = [Route("/auth/login", login, methods=["POST"]), Route("/auth/logout", logout, methods=["POST"])]


@strawberry.type(name="Principal", description="Who is signed in.")
class PrincipalType:
    kind: PrincipalKind
    member_id: strawberry.ID | None
    name: str | None


def _principal(info: Info | GraphQLResolveInfo) -> Principal:
    return getattr(info.context, "principal", ANONYMOUS)


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in principal (ANONYMOUS without a token).")
    def me(self, info: Info) -> PrincipalType:
        principal = _principal(info)
        member_id = strawberry.ID(principal.member_id) if principal.member_id else None
        return PrincipalType(kind=principal.kind, member_id=member_id, name=principal.name)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admin: a bearer token acting as that member.")
    async def create_member_token(self, info: Info, member_id: strawberry.ID) -> str:
        require_admin(info)
        from graph.network.members import require_member

        await run_in_threadpool(require_member, info.context.rn, str(member_id), "memberId")
        return member_token(str(member_id))


# Value types readable by whoever reached them (the sign-in issue's default-deny exceptions).
REACHABLE_TYPES: set[str] = set()

# Permission classes named as the sign-in issue names them, so that the back office's fields
# declare the same ones here and there.

class _ArgumentScoped(BasePermission):
    """Admin, or a member whose network (or itself only) holds the member named by `argument`."""

    argument = "id"
    own_only = False

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = _principal(info)
        if who.kind is PrincipalKind.ADMIN:
            return True
        target = kwargs.get(self.argument)
        if who.member_id is not None and target is not None:
            if str(target) == who.member_id:
                return True
            if not self.own_only and await run_in_threadpool(in_network, info.context.rn, who.member_id, str(target)):
                return True
        raise Forbidden(f"{info.field_name} of member {target!r} is not open to this {who.kind.value.lower()}")


class MemberInScope(_ArgumentScoped):
    """Admin, or a member reading itself or one of its downlines (argument `id`)."""


class OwnMemberId(_ArgumentScoped):
    """Admin, or the member named by the argument `memberId` itself."""

    argument = "member_id"
    own_only = True


class SignedIn(BasePermission):
    """Any member, leader or admin (what the field returns is the caller's own)."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = _principal(info)
        if who.kind is PrincipalKind.ANONYMOUS:
            from graph.core.errors import Unauthenticated

            raise Unauthenticated(f"{info.field_name} needs a token or a signed-in session")
        return True


# Root reads a member may run, and which argument names the member they are about:
# "network" — itself or below it; "self" — itself only; "family" — a family it leads.
MEMBER_READS: dict[str, tuple[str, str]] = {
    "member": ("id", "network"),
    "upline": ("id", "network"),
    "downline": ("id", "network"),
    "nextPlacement": ("sponsorId", "network"),
    "ledger": ("memberId", "self"),
    "mutualFund": ("memberId", "self"),
    "statement": ("memberId", "self"),
    "family": ("id", "family"),
    "teamHealth": ("familyId", "family"),
}
PUBLIC_READS = {"me", "families", "plans", "pointsMarket", "rotations", "__typename", "__schema", "__type"}


def member_may(rn: Refnet, principal: Principal, field: str, arguments: dict[str, Any]) -> bool:
    rule = MEMBER_READS.get(field)
    if rule is None or principal.member_id is None:
        return False
    argument, scope = rule
    target = arguments.get(argument)
    if target is None:
        return False
    if scope == "self":
        return str(target) == principal.member_id
    if scope == "family":
        return any(family.id == str(target) for family in families_led(rn, principal.member_id))
    return in_network(rn, principal.member_id, str(target))


class MemberScope(SchemaExtension):
    """A member's root reads are checked here; those in its scope then pass the admin checks."""

    async def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        principal = _principal(info)
        if info.path.prev is None and principal.kind in (PrincipalKind.MEMBER, PrincipalKind.LEADER) \
                and info.field_name not in PUBLIC_READS:
            operation = info.operation.operation.value
            allowed = operation == "query" and await run_in_threadpool(
                member_may, info.context.rn, principal, info.field_name, _camel(kwargs))
            if not allowed:
                raise Forbidden(f"{info.field_name}: a member may look at itself and its own network only")
            info.context.is_admin = True
        result = _next(root, info, *args, **kwargs)
        if hasattr(result, "__await__"):
            result = await result
        return result


def _camel(arguments: dict[str, Any]) -> dict[str, Any]:
    """Arguments by their GraphQL names, whichever naming the resolver chain passes."""
    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest)
    return {camel(key): value for key, value in arguments.items()}
