"""The GraphQL schema: each feature module contributes a Query and a Mutation, merged here."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api import access, differential, explore, family, members, orders, periods, pools, refunds, rotation
from api.errors import CodedErrors, log_errors
from api.limits import LIMITS, CachedParse, DocumentLimits
from api.permissions import apply_default_deny
from api.scalars import SCALARS
from api.web import queries as web_queries

MAX_QUERY_DEPTH = LIMITS.depth

QUERIES: tuple[type, ...] = (
    members.Query, orders.Query, rotation.Query, pools.Query, family.Query, differential.Query, explore.Query,
    refunds.Query, access.Query, web_queries.Query,
)
MUTATIONS: tuple[type, ...] = (
    members.Mutation, orders.Mutation, rotation.Mutation, pools.Mutation, family.Mutation, periods.Mutation,
    refunds.Mutation, access.Mutation,
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
