"""Reading both trees back for assertions: a networkx snapshot and the soundness of the placement tree."""

from __future__ import annotations

import networkx as nx

from graph.service import Refnet


def assert_sound_tree(rn: Refnet, expected: set[str]) -> None:
    placement, _, stored = snapshot(rn)
    assert set(stored) == expected
    for member_id in expected:
        assert placement.in_degree(member_id) <= 3
        slots = [placement.edges[c, member_id]["slot"] for c in placement.predecessors(member_id)]
        assert len(slots) == len(set(slots)), f"{member_id} has a slot twice: {slots}"
        assert stored[member_id]["size"] == 1 + len(nx.ancestors(placement, member_id))
    assert nx.is_tree(placement.to_undirected())


def snapshot(rn: Refnet) -> tuple[nx.DiGraph, nx.DiGraph, dict]:
    """Both trees as networkx graphs (edges child → parent) and each member's stored fields."""
    placement, sponsor = nx.DiGraph(), nx.DiGraph()
    rows = rn.store.run_text(
        "MATCH (m:Member) OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) "
        "OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) "
        "RETURN m.id AS id, m.size AS size, p.id AS parent, l.slot AS slot, s.id AS sponsor"
    )
    for row in rows:
        placement.add_node(row["id"])
        sponsor.add_node(row["id"])
        if row["parent"] is not None:
            placement.add_edge(row["id"], row["parent"], slot=row["slot"])
        if row["sponsor"] is not None:
            sponsor.add_edge(row["id"], row["sponsor"])
    return placement, sponsor, {row["id"]: row for row in rows}
