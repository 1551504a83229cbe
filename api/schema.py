"""The GraphQL schema: each feature module contributes a Query and a Mutation, merged here; the
plans' modules come from their plug-ins (`PlanModule.graphql`), every known plan's, so the
schema is the same whichever plan runs."""

from __future__ import annotations

import importlib

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api import (
    access,
    batch,
    explore,
    member_admin,
    members,
    orders,
    payouts,
    periods,
    refunds,
    rotation,
    statements,
)
from api.errors import CodedErrors, log_errors
from api.limits import LIMITS, CachedParse, DocumentLimits
from api.permissions import apply_default_deny
from api.scalars import SCALARS
from api.web import queries as web_queries
from graph.core.plugin import all_plugins

MAX_QUERY_DEPTH = LIMITS.depth


def plan_modules() -> list:
    """The GraphQL modules of every known plan module, by name in reverse order: deterministic
    whatever order the plug-ins were imported in, and the order the schema always printed."""
    names = sorted({name for plugin in all_plugins() for name in plugin.graphql}, reverse=True)
    return [importlib.import_module(name) for name in names]


PLANS = plan_modules()
QUERIES: tuple[type, ...] = (
    members.Query, orders.Query, rotation.Query, *(m.Query for m in PLANS if hasattr(m, "Query")), explore.Query,
    refunds.Query, access.Query, payouts.Query, statements.Query, member_admin.Query, web_queries.Query,
)
MUTATIONS: tuple[type, ...] = (
    members.Mutation, orders.Mutation, rotation.Mutation, *(m.Mutation for m in PLANS if hasattr(m, "Mutation")),
    periods.Mutation, refunds.Mutation, access.Mutation, batch.Mutation, member_admin.Mutation,
)


class Schema(strawberry.Schema):
    """Logs errors by kind (api/errors.py) instead of every one with a traceback."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors)


Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)
POLICY = apply_default_deny(Query, Mutation)  # every field without a permission class: admin only

schema = Schema(
    query=Query,
    mutation=Mutation,
    extensions=[CodedErrors, CachedParse, DocumentLimits],
    config=StrawberryConfig(scalar_map=SCALARS),
)


def sdl() -> str:
    return schema.as_str() + "\n"
