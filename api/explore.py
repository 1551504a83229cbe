"""Exploration for admins and analysts: read-only Cypher (`explore`), the network report
(`networkReport`), the tree export route (`GET /export/{tree}.graphml`) and their CLI commands
(`refnet query`, `refnet export`, `refnet report`)."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path
from typing import Any, Optional

import strawberry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.scalars import JSON
from strawberry.types import Info

from api.cli import command, open_engine
from api.auth import principal_of, refusal
from api.context import call, require_admin
from api.transport import RequestRefused, error_response
from api.scalars import Money
from graph import explore as exploring
from graph import export as exporting
from graph import report as reporting
from graph.errors import BadInput, DomainError
from graph.money import from_cents


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
                     levels=[Level(depth=l.depth, members=l.members, share=l.share, fill=l.fill) for l in shape.levels])


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


# ---- command line ---------------------------------------------------------------------------

def _query_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cypher", nargs="?", help="the statement (or use --file)")
    parser.add_argument("--file", "-f", help="read the statement from this file")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter; VALUE is read as JSON when it is JSON (5, 2.5, true, null, "
                             "[1,2], '\"007\"'), else as a string")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--max-rows", type=int, default=exploring.DEFAULT_MAX_ROWS)
    parser.add_argument("--timeout-ms", type=int, default=exploring.DEFAULT_TIMEOUT_MS)


@command("query", "run one read-only Cypher statement (writes are refused)", _query_arguments)
def query_command(args: argparse.Namespace) -> int:
    if (args.cypher is None) == (args.file is None):
        raise BadInput("give the statement either as an argument or with --file")
    text = args.cypher if args.cypher is not None else Path(args.file).read_text(encoding="utf-8")
    params = dict(exploring.parse_param(item) for item in args.param)
    rn = open_engine(args)
    try:
        result = exploring.explore(rn, text, params, args.max_rows, args.timeout_ms)
    finally:
        rn.store.close()
    sys.stdout.write(format_result(result, args.format))
    if result.truncated:
        print(f"refnet: more than {args.max_rows} rows; only the first {args.max_rows} shown", file=sys.stderr)
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def format_result(result: exploring.ExploreResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"columns": result.columns, "rows": result.rows, "truncated": result.truncated},
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(v) for v in row] for row in result.rows)
        return out.getvalue()
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(result.columns, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''}{', truncated' if result.truncated else ''})")
    return "\n".join(lines) + "\n"


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tree", choices=exporting.TREES, required=True)
    parser.add_argument("--format", choices=exporting.FORMATS, default="graphml")
    parser.add_argument("--root", help="export only this member's subtree")
    parser.add_argument("--depth", type=int, help="at most this many levels below the root(s)")
    parser.add_argument("--output", "-o", help="write to this file instead of standard output")


@command("export", "export a tree as GraphML, GEXF or CSV (for Gephi, yEd, notebooks)", _export_arguments)
def export_command(args: argparse.Namespace) -> int:
    rn = open_engine(args)
    try:
        if args.output:
            with open(args.output, "wb") as out:
                graph = exporting.export_tree(rn, args.tree, args.format, out, args.root, args.depth)
        else:
            graph = exporting.export_tree(rn, args.tree, args.format, sys.stdout.buffer, args.root, args.depth)
            sys.stdout.buffer.flush()
    finally:
        rn.store.close()
    print(f"refnet: exported {graph.number_of_nodes()} members, {graph.number_of_edges()} edges", file=sys.stderr)
    return 0


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


@command("report", "network metrics: size, depth, width, line balance, earnings concentration", _report_arguments)
def report_command(args: argparse.Namespace) -> int:
    rn = open_engine(args)
    try:
        report = reporting.network_report(rn)
    finally:
        rn.store.close()
    if args.format == "json":
        from dataclasses import asdict

        print(json.dumps(asdict(report), indent=2))
    else:
        sys.stdout.write(format_report(report))
    return 0


def format_report(r: reporting.NetworkReport) -> str:
    e, b = r.earnings, r.line_balance
    lines = [
        f"members        {r.members:,} ({r.roots} root{'s' if r.roots != 1 else ''})",
        f"status         {r.customers:,} customers, {r.agents:,} agents ({r.agent_share:.1%}), "
        f"{r.bosses:,} bosses ({r.boss_share:.1%})",
    ]
    for shape in (r.placement, r.sponsor):
        lines.append(f"{shape.tree + ' depth':<15}max {shape.max_depth}, mean {shape.mean_depth:.2f}, "
                     f"median {shape.median_depth:g}, widest level {shape.widest_depth}")
        lines.append("  width per level: " + ", ".join(f"{l.depth}:{l.members:,}" for l in shape.levels))
    lines += [
        f"line balance   {b.members_with_three_lines:,} members with three lines: smallest/largest "
        f"mean {b.mean_ratio:.3f}, median {b.median_ratio:.3f}, {b.unbalanced:,} below {reporting.UNBALANCED_BELOW}",
        f"earnings       {from_cents(e.total_paid)} paid to {e.earners:,} members; top 1% ({e.top1_members:,}) "
        f"got {e.top1_share:.1%}, top 10% ({e.top10_members:,}) got {e.top10_share:.1%}; Gini {e.gini:.4f}",
        f"frozen         {from_cents(r.frozen)}; burned {from_cents(r.burned)}",
        f"took           snapshot {r.snapshot_ms:.0f} ms, metrics {r.compute_ms:.0f} ms",
    ]
    return "\n".join(lines) + "\n"
