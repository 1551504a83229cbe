"""The GraphQL schema: each feature module contributes a Query and a Mutation, merged here."""

from __future__ import annotations

import strawberry
from strawberry.extensions import QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api import differential, explore, family, members, orders, periods, pools, refunds, rotation
from api.errors import CodedErrors, log_errors
from api.scalars import SCALARS
from api.web import provisional_access
from api.web import queries as web_queries

MAX_QUERY_DEPTH = 12

QUERIES: tuple[type, ...] = (
    members.Query, orders.Query, rotation.Query, pools.Query, family.Query, differential.Query, explore.Query,
    refunds.Query, web_queries.Query, provisional_access.Query,
)
MUTATIONS: tuple[type, ...] = (
    members.Mutation, orders.Mutation, rotation.Mutation, pools.Mutation, family.Mutation, periods.Mutation,
    refunds.Mutation, provisional_access.Mutation,
)


class Schema(strawberry.Schema):
    """Logs errors by kind (api/errors.py) instead of every one with a traceback."""

    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        log_errors(errors)


schema = Schema(
    query=merge_types("Query", QUERIES),
    mutation=merge_types("Mutation", MUTATIONS),
    extensions=[CodedErrors, lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH), provisional_access.MemberScope],
    config=StrawberryConfig(scalar_map=SCALARS),
)


def sdl() -> str:
    return schema.as_str() + "\n"
