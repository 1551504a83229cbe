"""Export a tree for Gephi, yEd or a notebook: GraphML, GEXF (networkx writers) or CSV.

The graph is directed from upline to downline (sponsor → recruit, placement parent → child).
Node key: the member id. Node attributes (absent, not empty, where they do not apply):
`label` (name), `status`, `kind`, `depth` (in the exported tree; a root is 0),
`slot` and `line_kind` (its slot under its placement parent and that line's designation now),
`paid_cents`, `frozen_cents`, `burned_cents` (integer cents), `registered_at` (epoch ms).
CSV is one row per member: `id`, `parent_id` (empty when the parent is not exported), then
the attributes; `read_csv` reads it back.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from typing import IO, TYPE_CHECKING, Any

import networkx as nx

from graph.analytics.snapshot import Snapshot, read_snapshot
from graph.core.errors import BadInput, NotFound

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


TREES = ("sponsor", "placement")
FORMATS = ("graphml", "gexf", "csv")
ATTRIBUTES = ("label", "status", "kind", "depth", "slot", "line_kind", "paid_cents", "frozen_cents",
              "burned_cents", "registered_at")
INT_ATTRIBUTES = {"depth", "slot", "paid_cents", "frozen_cents", "burned_cents", "registered_at"}
MAX_DEPTH = 100_000


def check_tree(tree: str) -> str:
    tree = (tree or "").lower()
    if tree not in TREES:
        raise BadInput(f"tree: must be one of {', '.join(TREES)}")
    return tree


def check_format(fmt: str) -> str:
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise BadInput(f"format: must be one of {', '.join(FORMATS)}")
    return fmt


def tree_graph(snapshot: Snapshot, tree: str, root: str | None = None, depth: int | None = None) -> nx.DiGraph:
    """The tree as a networkx DiGraph; with `root`, its subtree, and with `depth`, only the
    members at most `depth` levels below the root (or below the tree's roots)."""
    tree = check_tree(tree)
    if depth is not None and not 0 <= depth <= MAX_DEPTH:
        raise BadInput(f"depth: must be between 0 and {MAX_DEPTH}")
    if root is not None and root not in snapshot.index:
        raise NotFound(f"root: no member with id {root!r}")
    columns = snapshot.columns
    parent_key = "sponsor_id" if tree == "sponsor" else "parent_id"
    depth_key = "sponsor_depth" if tree == "sponsor" else "depth"
    kinds = snapshot.line_kinds
    graph = nx.DiGraph(tree=tree)

    def attributes(i: int) -> dict[str, Any]:
        values = {
            "label": columns["name"][i], "status": columns["status"][i], "kind": columns["kind"][i],
            "depth": columns[depth_key][i], "slot": columns["slot"][i], "line_kind": kinds[i],
            "paid_cents": columns["paid"][i], "frozen_cents": columns["frozen"][i],
            "burned_cents": columns["burned"][i], "registered_at": columns["created_at"][i],
        }
        return {key: value for key, value in values.items() if value is not None}

    if root is None:
        for i, member_id in enumerate(columns["id"]):
            if depth is None or (columns[depth_key][i] or 0) <= depth:
                graph.add_node(member_id, **attributes(i))
        for i, member_id in enumerate(columns["id"]):
            parent = columns[parent_key][i]
            if parent is not None and member_id in graph and parent in graph:
                graph.add_edge(parent, member_id)
        return graph

    children: dict[str, list[int]] = {}
    for i, parent in enumerate(columns[parent_key]):
        if parent is not None:
            children.setdefault(parent, []).append(i)
    start = snapshot.index[root]
    graph.add_node(root, **attributes(start))
    queue = deque([(root, 0)])
    while queue:
        member_id, level = queue.popleft()
        if depth is not None and level >= depth:
            continue
        for i in children.get(member_id, []):
            child = columns["id"][i]
            graph.add_node(child, **attributes(i))
            graph.add_edge(member_id, child)
            queue.append((child, level + 1))
    return graph


def export_tree(rn: Refnet, tree: str, fmt: str, out: IO[bytes], root: str | None = None,
                depth: int | None = None) -> nx.DiGraph:
    """Reads a snapshot and writes the tree to `out` (binary) in `fmt`; returns the graph."""
    tree, fmt = check_tree(tree), check_format(fmt)
    graph = tree_graph(read_snapshot(rn), tree, root, depth)
    write(graph, fmt, out)
    return graph


def write(graph: nx.DiGraph, fmt: str, out: IO[bytes]) -> None:
    fmt = check_format(fmt)
    if fmt == "graphml":
        nx.write_graphml(graph, out)
    elif fmt == "gexf":
        nx.write_gexf(graph, out)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        write_csv(graph, text)
        text.flush()
        text.detach()


def write_csv(graph: nx.DiGraph, out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(("id", "parent_id", *ATTRIBUTES))
    for member_id, data in graph.nodes(data=True):
        parents = list(graph.predecessors(member_id))
        writer.writerow((member_id, parents[0] if parents else "",
                         *("" if data.get(key) is None else data[key] for key in ATTRIBUTES)))


def read_csv(source: IO[str]) -> nx.DiGraph:
    """A CSV export read back into the DiGraph it was written from."""
    graph = nx.DiGraph()
    edges = []
    for row in csv.DictReader(source):
        attributes = {
            key: int(value) if key in INT_ATTRIBUTES else value
            for key, value in row.items()
            if key not in ("id", "parent_id") and value != ""
        }
        graph.add_node(row["id"], **attributes)
        if row["parent_id"]:
            edges.append((row["parent_id"], row["id"]))
    graph.add_edges_from(edges)
    return graph
