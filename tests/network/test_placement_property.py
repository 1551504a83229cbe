"""Placement over random registration sequences, against networkx and an independent model."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.network import members
from graph.network.placement import LineKind, designation, slide_designation
from graph.service import Refnet
from tests.support.placement_model import PlacementModel
from tests.support.trees import snapshot

_graphs = itertools.count()


def test_designations():
    assert [s for s in (1, 2, 3) if designation(s, 0) is LineKind.WEALTH] == [3]
    assert [s for s in (1, 2, 3) if designation(s, 1) is LineKind.WEALTH] == [1]
    assert [s for s in (1, 2, 3) if designation(s, 2) is LineKind.WEALTH] == [2]
    assert [s for s in (1, 2, 3) if designation(s, 3) is LineKind.WEALTH] == [3]
    assert [slide_designation(k).value[0] for k in range(4, 13)] == list("WWCWWCWWC")


# each step: which earlier member sponsors the next one (an index, folded into range)
sequences = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=45)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=sequences, skew=st.booleans())
def test_random_registrations_follow_rules_section_2(falkor, picks, skew):
    rn = Refnet.start(falkor.with_graph(f"prop_{next(_graphs)}"))
    model = PlacementModel()
    ids = ["root"]
    members.register(rn, "root", member_id="root")
    model.register("root", None)
    for number, pick in enumerate(picks):
        # with skew, most new members are recruited by the first few: deep slides
        pool = ids[: max(1, len(ids) // 8)] if skew and pick % 4 else ids
        sponsor_id = pool[pick % len(pool)]
        member_id = f"m{number}"
        members.register(rn, member_id, sponsor_id=sponsor_id, member_id=member_id)
        model.register(member_id, sponsor_id)
        ids.append(member_id)

    placement, sponsor_tree, stored = snapshot(rn)
    for member_id in ids:
        assert placement.in_degree(member_id) <= 3
        slots = [placement.edges[child, member_id]["slot"] for child in placement.predecessors(member_id)]
        assert len(slots) == len(set(slots))
        assert stored[member_id]["size"] == 1 + len(nx.ancestors(placement, member_id)), member_id
        assert stored[member_id]["sponsor"] == model.sponsor[member_id]
        assert (stored[member_id]["parent"], stored[member_id]["slot"]) == (model.parent[member_id], model.slot[member_id])
        if member_id != "root":
            sponsor = model.sponsor[member_id]
            parent = stored[member_id]["parent"]
            assert parent == sponsor or sponsor in nx.descendants(placement, parent)
    assert nx.is_tree(placement.to_undirected()) and nx.is_tree(sponsor_tree.to_undirected())
    rn.store.run_text("MATCH (n) DETACH DELETE n")
