"""A generated network for the exploration tests: members registered through the engine
(`graph.network.members.register`), then statuses, rotations, orders and ledger entries written
directly in one statement each, following the ledger convention (cypher/ledger/ledger_fragment.md:
Entry -[:TO]-> Member, Entry -[:FOR_ORDER]-> Order, Order -[:BOUGHT_BY]-> Member, member
counters paid / frozen / burned in cents), so that the money queries have data whatever plan
modules exist. The test keeps its own copy of what it wrote (`Network.entries`) and reads the
trees back as networkx graphs, which the example queries are checked against.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from graph.network import members
from graph.service import Refnet

DAY_MS = 86_400_000
START_MS = 1_793_491_200_000  # 2026-11-01T00:00:00Z


@dataclass
class Network:
    ids: list[str]
    statuses: dict[str, str]
    created_at: dict[str, int]
    rotation: dict[str, int]
    entries: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    sponsor: nx.DiGraph = field(default_factory=nx.DiGraph)  # recruit → sponsor
    placement: nx.DiGraph = field(default_factory=nx.DiGraph)  # child → parent, edge attr slot

    def counter(self, status: str) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            if entry["status"] == status and entry["beneficiary_id"] is not None:
                totals[entry["beneficiary_id"]] += entry["amount"]
        return totals


def build(rn: Refnet, n: int = 150, orders: int = 120, seed: int = 11) -> Network:
    rng = random.Random(seed)
    clock = iter(range(START_MS - 20 * DAY_MS, START_MS + 10**12, DAY_MS // 4))
    rn.clock = lambda: next(clock)  # 4 registrations a day, from mid-October into December
    ids = ["root"]
    members.register(rn, "Company", member_id="root")
    for index in range(n):
        sponsor = ids[int(len(ids) * rng.random() ** 3)]
        members.register(rn, f"Member {index}", sponsor_id=sponsor, member_id=f"m{index:03d}")
        ids.append(f"m{index:03d}")
    statuses = {member_id: rng.choice(["CUSTOMER", "AGENT", "AGENT", "BOSS"]) for member_id in ids}
    rotation = {member_id: rng.randrange(3) for member_id in ids}
    rn.store.run_text(
        "MATCH (v:Meta {key: 'version'}) UNWIND $rows AS row MATCH (m:Member {id: row.id}) "
        "SET m.status = row.status, m.full_at = v.rotation_runs - row.r",
        {"rows": [{"id": i, "status": statuses[i], "r": rotation[i]} for i in ids]},
    )
    network = Network(ids, statuses, {}, rotation)
    for row in rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, m.created_at AS at"):
        network.created_at[row["id"]] = row["at"]
    for row in rn.store.run_text("MATCH (c:Member)-[:SPONSORED_BY]->(p:Member) RETURN c.id AS c, p.id AS p"):
        network.sponsor.add_edge(row["c"], row["p"])
    for row in rn.store.run_text("MATCH (c:Member)-[l:PLACED_UNDER]->(p:Member) RETURN c.id AS c, p.id AS p, l.slot AS slot"):
        network.placement.add_edge(row["c"], row["p"], slot=row["slot"])
    network.sponsor.add_nodes_from(ids)
    network.placement.add_nodes_from(ids)
    _book(rn, network, orders, rng)
    return network


def _book(rn: Refnet, network: Network, count: int, rng: random.Random) -> None:
    """Orders with a direct (PAID/BURNED), a see-point (PAID to a random placement ancestor or
    RETAINED), a peer RETAINED entry and, now and then, a withdrawal's frozen part."""
    sponsor_of = {c: p for c, p in network.sponsor.edges()}
    for number in range(count):
        buyer = rng.choice(network.ids[1:])
        order_id = f"o{number:03d}"
        amount = rng.choice([100_000, 500_000, 1_000_000])
        at = START_MS + number * DAY_MS // 8
        network.orders.append({"id": order_id, "buyer_id": buyer, "amount": amount, "at": at})

        def entry(rule: str, status: str, cents: int, beneficiary: str | None) -> None:
            network.entries.append({
                "id": f"{order_id}#{len([e for e in network.entries if e['order_id'] == order_id])}",
                "rule": rule, "status": status, "amount": cents, "beneficiary_id": beneficiary,
                "order_id": order_id, "at": at,
            })

        entry("direct", rng.choice(["PAID", "PAID", "BURNED"]), amount // 10, sponsor_of.get(buyer))
        ancestors = list(nx.descendants(network.placement, buyer))  # edges point up: child → parent
        if ancestors:
            entry("see_point", "PAID", amount // 5, rng.choice(sorted(ancestors)))
        else:
            entry("see_point", "RETAINED", amount // 5, None)
        entry("peer", "RETAINED", amount * 3 // 100, None)
        if rng.random() < 0.25:
            entry("withdrawal", "FROZEN", rng.randrange(1, 5_000), buyer)
    paid, frozen, burned = (network.counter(s) for s in ("PAID", "FROZEN", "BURNED"))
    rn.store.run_text(
        """
        UNWIND $orders AS od
        MATCH (b:Member {id: od.buyer_id})
        CREATE (o:Order {id: od.id, buyer_id: od.buyer_id, amount: od.amount, at: od.at})
        CREATE (o)-[:BOUGHT_BY]->(b)
        WITH count(o) AS orders
        UNWIND $entries AS e
        CREATE (x:Entry {id: e.id, rule: e.rule, status: e.status, amount: e.amount,
                         beneficiary_id: e.beneficiary_id, order_id: e.order_id, at: e.at})
        WITH x, e
        OPTIONAL MATCH (m:Member {id: e.beneficiary_id})
        FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (x)-[:TO]->(m))
        WITH x, e
        MATCH (o:Order {id: e.order_id})
        CREATE (x)-[:FOR_ORDER]->(o)
        RETURN count(x) AS entries
        """,
        {"orders": network.orders, "entries": network.entries},
    )
    rn.store.run_text(
        "UNWIND $rows AS row MATCH (m:Member {id: row.id}) "
        "SET m.paid = row.paid, m.frozen = row.frozen, m.burned = row.burned",
        {"rows": [{"id": i, "paid": paid.get(i, 0), "frozen": frozen.get(i, 0), "burned": burned.get(i, 0)}
                  for i in network.ids]},
    )
