"""The whole graph as plain data, to compare two graphs that should hold the same bookings."""

from __future__ import annotations

from typing import Any

# Stamped with the wall clock when an engine starts, not by any booking.
CLOCK_STAMPS = {"PlanVersion": ("first_used_at",)}


def _node(labels: list[str], props: dict[str, Any]) -> tuple:
    props = dict(props)
    for label in labels:
        for name in CLOCK_STAMPS.get(label, ()):
            props.pop(name, None)
    return (tuple(sorted(labels)), tuple(sorted(props.items())))


def graph_dump(store: Any) -> dict[str, list]:
    """Every node (labels, properties) and every edge (type, properties, both ends) in a
    canonical order."""
    nodes = [_node(row["labels"], row["props"])
             for row in store.run_text("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")]
    edges = [(row["type"], tuple(sorted(row["props"].items())), row["a"], row["b"])
             for row in store.run_text(
                 "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
                 "coalesce(a.id, a.key, a.name) AS a, coalesce(b.id, b.key, b.name) AS b")]
    return {"nodes": sorted(nodes, key=repr), "edges": sorted(edges, key=repr)}
