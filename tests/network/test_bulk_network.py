"""The benches' bulk loader stores exactly what registration one by one stores."""

from __future__ import annotations

from bench.common import bulk_network, grow_network
from graph.service import Refnet

FIELDS = ("id", "name", "kind", "status", "seq", "depth", "sponsor_depth", "full_at", "referrals", "size",
          "free_id", "free_depth", "free_seq", "registered_via", "landing_slug")


def stored(rn: Refnet) -> dict:
    props = ", ".join(f"m.{name} AS {name}" for name in FIELDS)
    rows = rn.store.run_text(
        f"MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) "
        f"OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) RETURN {props}, s.id AS sponsor, p.id AS parent, l.slot AS slot"
    )
    return {row["id"]: row for row in rows}


def test_bulk_network_equals_grown_network(falkor):
    grown = Refnet.start(falkor.with_graph("bulk_grown"))
    bulk = Refnet.start(falkor.with_graph("bulk_loaded"))
    assert grow_network(grown, 400, seed=3) == bulk_network(bulk, 400, seed=3, batch=150)
    assert stored(grown) == stored(bulk)
    version = "MATCH (v:Meta {key: 'version'}) RETURN v.value AS v"
    assert grown.store.run_text(version) == bulk.store.run_text(version)
    assert grown.store.run("rotation_counter") == bulk.store.run("rotation_counter")
