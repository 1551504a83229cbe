"""Exploration for admins and analysts: read-only Cypher (`explore`), the network report
(`networkReport`), the tree export route (`GET /export/{tree}.graphml`) and their CLI commands
(`refnet query`, `refnet export`, `refnet report`)."""

from __future__ import annotations

import io
import re
from typing import Optional

import strawberry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.scalars import JSON
from strawberry.types import Info

from api.auth import principal_of, refusal
from api.context import call, require_admin
from api.scalars import Money
from api.transport import RequestRefused, error_response
from graph.analytics import explore as exploring
from graph.analytics import export as exporting
from graph.analytics import report as reporting
from graph.core.errors import BadInput, DomainError
from graph.core.money import from_cents


@strawberry.type(description="The rows of a read-only Cypher statement; values are plain JSON "
                             "(nodes as {labels, properties}, relationships as {type, properties}).")
class ExploreResult:
    columns: list[str]
    rows: list[list[Optional[JSON]]]
    truncated: bool = strawberry.field(description="More rows than maxRows: only the first maxRows came back.")


@strawberry.type(name="ReportLevel")
class Level:
    depth: int
    members: int
    share: float = strawberry.field(description="Of all members.")
    fill: Optional[float] = strawberry.field(description="Placement only: members ÷ (roots × 3^depth).")


@strawberry.type(name="ReportTreeShape")
class TreeShape:
    tree: str
    max_depth: int
    mean_depth: float
    median_depth: float
    widest_depth: int
    levels: list[Level] = strawberry.field(description="Width per level: members at each depth.")


@strawberry.type(name="ReportLineBalance",
                 description="Over members with three placement lines: smallest line ÷ largest line.")
class LineBalance:
    members_with_lines: int
    members_with_three_lines: int
    mean_ratio: float
    median_ratio: float
    unbalanced: int = strawberry.field(description=f"Members with three lines whose ratio is below {reporting.UNBALANCED_BELOW}.")


@strawberry.type(name="EarningsConcentration", description="How concentrated paid money is, over all members (those paid nothing included).")
class Concentration:
    total_paid: Money
    earners: int
    top1_members: int
    top1_share: float
    top10_members: int
    top10_share: float
    gini: float


@strawberry.type
class NetworkReport:
    members: int
    roots: int
    customers: int
    agents: int
    bosses: int
    agent_share: float
    boss_share: float
    placement: TreeShape
    sponsor: TreeShape
    line_balance: LineBalance
    earnings: Concentration
    frozen: Money
    burned: Money
    snapshot_ms: float = strawberry.field(description="Time to read the snapshot.")
    compute_ms: float = strawberry.field(description="Time to compute the metrics from it.")


def _shape(shape: reporting.TreeShape) -> TreeShape:
    return TreeShape(tree=shape.tree, max_depth=shape.max_depth, mean_depth=shape.mean_depth,
                     median_depth=shape.median_depth, widest_depth=shape.widest_depth,
                     levels=[Level(depth=lv.depth, members=lv.members, share=lv.share, fill=lv.fill) for lv in shape.levels])


def to_graphql(report: reporting.NetworkReport) -> NetworkReport:
    e, b = report.earnings, report.line_balance
    return NetworkReport(
        members=report.members, roots=report.roots, customers=report.customers, agents=report.agents,
        bosses=report.bosses, agent_share=report.agent_share, boss_share=report.boss_share,
        placement=_shape(report.placement), sponsor=_shape(report.sponsor),
        line_balance=LineBalance(members_with_lines=b.members_with_lines,
                                 members_with_three_lines=b.members_with_three_lines,
                                 mean_ratio=b.mean_ratio, median_ratio=b.median_ratio, unbalanced=b.unbalanced),
        earnings=Concentration(total_paid=Money(from_cents(e.total_paid)), earners=e.earners,
                               top1_members=e.top1_members, top1_share=e.top1_share,
                               top10_members=e.top10_members, top10_share=e.top10_share, gini=e.gini),
        frozen=Money(from_cents(report.frozen)), burned=Money(from_cents(report.burned)),
        snapshot_ms=report.snapshot_ms, compute_ms=report.compute_ms,
    )


@strawberry.type
class Query:
    @strawberry.field(description="Admin only: one read-only Cypher statement. A write is FORBIDDEN and "
                                  f"changes nothing; at most {exploring.MAX_TIMEOUT_MS} ms and "
                                  f"{exploring.MAX_ROWS_LIMIT} rows.")
    async def explore(self, info: Info, cypher: str, params: Optional[JSON] = None,
                      max_rows: int = exploring.DEFAULT_MAX_ROWS,
                      timeout_ms: int = exploring.DEFAULT_TIMEOUT_MS) -> ExploreResult:
        require_admin(info)
        result = await call(exploring.explore, info.context.rn, cypher, params, max_rows, timeout_ms)
        return ExploreResult(columns=result.columns, rows=result.rows, truncated=result.truncated)

    @strawberry.field(description="Admin only: size, depth distribution, width per level, line balance, "
                                  "agent/boss shares and earnings concentration, from a snapshot.")
    async def network_report(self, info: Info) -> NetworkReport:
        require_admin(info)
        return to_graphql(await call(reporting.network_report, info.context.rn))


async def export_route(request: Request) -> Response:
    """GET /export/{tree}.graphml[?root=ID&depth=N], admins only."""
    try:
        principal = await principal_of(request)
    except RequestRefused as refused:
        return error_response(refused.code, refused.message, refused.status)
    if not principal.is_admin:
        return refusal(principal, "exporting a tree")
    try:
        depth = request.query_params.get("depth")
        if depth is not None and not re.fullmatch(r"[0-9]{1,4}", depth):
            raise BadInput("depth: must be a whole number of levels (ASCII digits, at most 9999)")
        buffer = io.BytesIO()
        tree = request.path_params["tree"]
        await run_in_threadpool(exporting.export_tree, request.app.state.rn, tree, "graphml", buffer,
                                request.query_params.get("root"), int(depth) if depth is not None else None)
    except DomainError as error:
        return error_response(error.code, error.message)
    return Response(buffer.getvalue(), media_type="application/graphml+xml",
                    headers={"Content-Disposition": f'attachment; filename="refnet-{tree.lower()}.graphml"'})


ROUTES = [Route("/export/{tree}.graphml", export_route, methods=["GET"])]
