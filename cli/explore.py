"""`refnet query`, `refnet export`, `refnet report`: exploration from the command line."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from cli.main import command, open_engine
from graph.analytics import explore as exploring
from graph.analytics import export as exporting
from graph.analytics import report as reporting
from graph.core.errors import BadInput
from graph.core.money import from_cents


def _query_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cypher", nargs="?", help="the statement (or use --file)")
    parser.add_argument("--file", "-f", help="read the statement from this file")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter; VALUE is read as JSON when it is JSON (5, 2.5, true, null, "
                             "[1,2], '\"007\"'), else as a string")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--max-rows", type=int, default=exploring.DEFAULT_MAX_ROWS)
    parser.add_argument("--timeout-ms", type=int, default=exploring.DEFAULT_TIMEOUT_MS)
    parser.add_argument("--history", action="store_true",
                        help="the statement is read-only SQL (DuckDB) over the archive of closed periods: views "
                             "`entries`, `ranks`, `orders`, `refunds`, `holdings`, `activity` and `periods` (docs/graph-model.md)")


@command("query", "run one read-only Cypher statement (writes are refused)", _query_arguments)
def query_command(args: argparse.Namespace) -> int:
    if (args.cypher is None) == (args.file is None):
        raise BadInput("give the statement either as an argument or with --file")
    text = args.cypher if args.cypher is not None else Path(args.file).read_text(encoding="utf-8")
    params = dict(exploring.parse_param(item) for item in args.param)
    rn = open_engine(args)
    try:
        result = history_result(rn, text, args.max_rows) if args.history else \
            exploring.explore(rn, text, params, args.max_rows, args.timeout_ms)
    finally:
        rn.store.close()
    sys.stdout.write(format_result(result, args.format))
    if result.truncated:
        print(f"refnet: more than {args.max_rows} rows; only the first {args.max_rows} shown", file=sys.stderr)
    return 0


def history_result(rn: Any, sql: str, max_rows: int) -> exploring.ExploreResult:
    from graph.ledger.history import query

    columns, rows = query(rn, sql, max_rows + 1)
    return exploring.ExploreResult(columns, [[_plain(v) for v in row] for row in rows[:max_rows]],
                                   len(rows) > max_rows)


def _plain(value: Any) -> Any:
    """A DuckDB value as JSON: exact numbers stay exact (a Decimal as its text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


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
        lines.append(f"{shape.tree:<15}depth max {shape.max_depth}, mean {shape.mean_depth:.2f}, "
                     f"median {shape.median_depth:g}, widest level {shape.widest_depth}")
        lines.append("  width per level: " + ", ".join(f"{level.depth}:{level.members:,}" for level in shape.levels))
    lines += [
        f"line balance   {b.members_with_three_lines:,} members with three lines: smallest/largest "
        f"mean {b.mean_ratio:.3f}, median {b.median_ratio:.3f}, {b.unbalanced:,} below {reporting.UNBALANCED_BELOW}",
        f"earnings       {from_cents(e.total_paid)} paid to {e.earners:,} members; top 1% ({e.top1_members:,}) "
        f"got {e.top1_share:.1%}, top 10% ({e.top10_members:,}) got {e.top10_share:.1%}; Gini {e.gini:.4f}",
        f"frozen         {from_cents(r.frozen)}; burned {from_cents(r.burned)}",
        f"took           snapshot {r.snapshot_ms:.0f} ms, metrics {r.compute_ms:.0f} ms",
    ]
    return "\n".join(lines) + "\n"
