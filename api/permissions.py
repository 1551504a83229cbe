"""Who may read or change what: strawberry permission classes declared on fields, and default
deny — `apply_default_deny` gives every field without a declaration `AdminOnly`, except the
fields of value types listed in `REACHABLE_TYPES`, which are only reachable through a field that
is itself declared (a ledger entry through `ledger`, a tree node through `downline`, ...).

Scope: a member reads itself and its downlines in both trees in full; any other member it
reaches (its sponsor, its upline, a family member outside its downline) only as id and name.
Its money (balance, identity, ledger) is its own alone. A family leader also reads the families
it leads and their team health.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.lazy_type import LazyType
from strawberry.utils.str_converters import to_camel_case

from api.auth import Principal, PrincipalKind
from graph.access import tokens
from graph.core.errors import Forbidden, Unauthenticated

# Value types whose fields anyone who reached the object may read.
REACHABLE_TYPES = {
    "Balance", "Budget", "CategorySpend", "EarningsConcentration", "ExploreResult", "Family", "FamilyChange",
    "FamilyMember", "HealthFlag", "LedgerEntry", "Line", "MemberHealth", "MemberTotal", "NetworkReport", "Order",
    "PayoutLine", "PayoutReport", "PeriodPreview", "PeriodRun", "PlanVersion", "PointsMarket", "Principal",
    "Refund", "ReportLevel", "ReportLineBalance", "ReportTreeShape", "RotationRun", "RuleTotal", "TeamHealth",
    "TopContributors", "TreeNode", "NewMember", "RegisterResult", "ItemError",
    "Statement", "StatementLine",  # a member's own statement (issue 16)
}


def principal(info: Info) -> Principal:
    return info.context.principal


def deny(who: Principal, what: str) -> bool:
    """Raises the coded error for a refused field: UNAUTHENTICATED without a valid token."""
    if who.kind is PrincipalKind.ANONYMOUS:
        if who.refused_token:
            raise Unauthenticated("the token is unknown, revoked or expired; ask an admin for a new one")
        raise Unauthenticated(f"{what} needs a token: Authorization: Bearer <token> or a signed-in session")
    raise Forbidden(f"{what} is not open to this {who.kind.value.lower()}")


async def may_read_member(info: Info, member_id: str) -> bool:
    """Whether the principal reads `member_id` in full (itself or one of its downlines)."""
    who = principal(info)
    if who.is_admin:
        return True
    if who.member_id is None:
        return False
    if member_id == who.member_id:
        return True
    cache: dict[str, bool] = info.context.scope
    if member_id not in cache:
        from starlette.concurrency import run_in_threadpool

        found = await run_in_threadpool(tokens.readable_members, info.context.rn, who.member_id, [member_id])
        cache[member_id] = member_id in found
    return cache[member_id]


class Public(BasePermission):
    """Anyone, with or without a token."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True


class AdminOnly(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = principal(info)
        return who.is_admin or deny(who, info.field_name)


class _ArgumentScoped(BasePermission):
    """Admin, or a member whose scope holds the member named by the argument `argument`."""

    argument = "id"
    own_only = False

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = principal(info)
        if who.is_admin:
            return True
        target = kwargs.get(self.argument)
        what = f"{info.field_name} of member {target!r}" if target is not None else info.field_name
        if who.member_id is None or target is None:
            return deny(who, what)
        allowed = str(target) == who.member_id if self.own_only else await may_read_member(info, str(target))
        return allowed or deny(who, what)


class MemberInScope(_ArgumentScoped):
    """Admin, or a member reading itself or one of its downlines (argument `id`)."""


class OwnMemberId(_ArgumentScoped):
    """Admin, or the member named by the argument `memberId` itself."""

    argument = "member_id"
    own_only = True


class LeaderOfFamily(BasePermission):
    """Admin, or the leader of the family named by the argument `id` or `familyId`."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = principal(info)
        family = kwargs.get("id", kwargs.get("family_id"))
        return who.is_admin or (family is not None and str(family) in who.leads) or deny(
            who, f"{info.field_name} of family {family!r}")


class SignedIn(BasePermission):
    """Any member, leader or admin (what the field returns is the caller's own)."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = principal(info)
        return who.kind is not PrincipalKind.ANONYMOUS or deny(who, info.field_name)


class SourceInScope(BasePermission):
    """On `Member` fields: the admin, or a member reading itself or one of its downlines."""

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        member_id = source.record.id
        return await may_read_member(info, member_id) or deny(
            principal(info), f"{info.field_name} of member {member_id!r}")


class SourceIsSelf(BasePermission):
    """On `Member` fields holding money: the admin or the member itself."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        who = principal(info)
        member_id = source.record.id
        return who.is_admin or member_id == who.member_id or deny(who, f"{info.field_name} of member {member_id!r}")


def _object_types(type_: Any) -> Iterable[Any]:
    while isinstance(type_, (StrawberryOptional, StrawberryList)):
        type_ = type_.of_type
    if isinstance(type_, LazyType):
        type_ = type_.resolve_type()
    if has_object_definition(type_):
        yield type_
    for member in getattr(type_, "types", ()):  # unions
        yield from _object_types(member)


def _declared(field: Any) -> bool:
    return any(isinstance(extension, PermissionExtension) for extension in field.extensions)


def apply_default_deny(*roots: type) -> dict[str, str]:
    """Gives every undeclared field `AdminOnly` (fields of REACHABLE_TYPES excepted); returns
    `{"Type.field": policy}` for every field reached from `roots`, for tests and docs."""
    policy: dict[str, str] = {}
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        type_ = pending.pop()
        definition = type_.__strawberry_definition__  # type: ignore[attr-defined]
        if definition.name in seen:
            continue
        seen.add(definition.name)
        for field in definition.fields:
            key = f"{definition.name}.{field.graphql_name or to_camel_case(field.python_name)}"
            if _declared(field):
                policy[key] = ",".join(type(p).__name__ for e in field.extensions
                                       if isinstance(e, PermissionExtension) for p in e.permissions)
            elif definition.name in REACHABLE_TYPES:
                policy[key] = "Reachable"
            else:
                field.extensions.append(PermissionExtension(permissions=[AdminOnly()], use_directives=False))
                policy[key] = "AdminOnly"
            pending.extend(_object_types(field.type))
    return policy
