"""Every documented example query (cypher/analytics/explore/) against networkx on a generated network."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator

import networkx as nx
import pytest

from graph.analytics.explore import examples, run_example
from graph.network.placement import designation
from graph.service import Refnet
from tests.support.explore_network import DAY_MS, START_MS, Network, build
from tests.support.paths import REPO

CHECKED: set[str] = set()


@pytest.fixture(scope="module")
def net(falkor) -> Iterator[tuple[Refnet, Network]]:
    store = falkor.with_graph(f"explore_{uuid.uuid4().hex[:8]}")
    rn = Refnet.start(store)
    yield rn, build(rn)
    store.graph.delete()


def checks(name: str):
    CHECKED.add(name)
    return lambda fn: fn


def depth_of(graph: nx.DiGraph, node: str) -> int:
    """Edges point to the parent, so a node's ancestors are its networkx descendants."""
    return len(nx.descendants(graph, node))


def top(rows: list[dict], key, limit: int) -> list[dict]:
    return sorted(rows, key=key)[:limit]


@checks("top_recruiters")
def test_top_recruiters(net):
    rn, network = net
    since, until = START_MS, START_MS + 30 * DAY_MS
    counts = Counter(
        sponsor for recruit, sponsor in network.sponsor.edges()
        if since <= network.created_at[recruit] < until
    )
    expected = top([{"id": m, "name": "Company" if m == "root" else f"Member {int(m[1:])}",
                     "status": network.statuses[m], "recruits": c} for m, c in counts.items()],
                   lambda r: (-r["recruits"], r["id"]), 5)
    assert len(counts) > 5
    assert run_example(rn, "top_recruiters", {"since": since, "until": until, "limit": 5}) == expected


@checks("depth_distribution")
def test_depth_distribution(net):
    rn, network = net
    by_depth: dict[int, Counter] = defaultdict(Counter)
    for node in network.placement:
        by_depth[depth_of(network.placement, node)][network.statuses[node]] += 1
    expected = [{"depth": d, "members": sum(c.values()), "agents": c["AGENT"], "bosses": c["BOSS"]}
                for d, c in sorted(by_depth.items())]
    assert len(expected) >= 4
    assert run_example(rn, "depth_distribution") == expected


@checks("unbalanced_lines")
def test_unbalanced_lines(net):
    rn, network = net
    down = network.placement.reverse()
    rows = []
    for node in down:
        children = list(down.successors(node))
        if len(children) == 3:
            sizes = [1 + len(nx.descendants(down, c)) for c in children]
            rows.append({"id": node, "largest": max(sizes), "smallest": min(sizes), "gap": max(sizes) - min(sizes)})
    assert len(rows) > 10
    expected = top(rows, lambda r: (-r["gap"], r["id"]), 10)
    assert run_example(rn, "unbalanced_lines", {"limit": 10}) == expected


@checks("frozen_money")
def test_frozen_money(net):
    rn, network = net
    frozen, paid = network.counter("FROZEN"), network.counter("PAID")
    entries = Counter(e["beneficiary_id"] for e in network.entries if e["status"] == "FROZEN")
    expected = sorted(
        ({"id": m, "status": network.statuses[m], "frozen_cents": c, "paid_cents": paid.get(m, 0),
          "frozen_entries": entries[m]} for m, c in frozen.items() if c > 0),
        key=lambda r: (-r["frozen_cents"], r["id"]),
    )
    assert expected
    assert run_example(rn, "frozen_money") == expected


@checks("see_point_income_by_line")
def test_see_point_income_by_line(net):
    rn, network = net
    buyer_of = {o["id"]: o["buyer_id"] for o in network.orders}
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for e in network.entries:
        if e["rule"] == "see_point" and e["status"] == "PAID":
            owner = e["beneficiary_id"]
            path = nx.shortest_path(network.placement, buyer_of[e["order_id"]], owner)
            slot = network.placement.edges[path[-2], owner]["slot"]
            key = (designation(slot, network.rotation[owner]).value, slot)
            totals[key][0] += 1
            totals[key][1] += e["amount"]
    expected = [{"kind": k, "slot": s, "entries": n, "cents": c} for (k, s), (n, c) in sorted(totals.items())]
    assert {row["kind"] for row in expected} == {"WEALTH", "CONTRIBUTION"}
    assert run_example(rn, "see_point_income_by_line") == expected


@checks("earnings_by_rule")
def test_earnings_by_rule(net):
    rn, network = net
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in network.entries:
        totals[e["rule"], e["status"]][0] += 1
        totals[e["rule"], e["status"]][1] += e["amount"]
    expected = [{"rule": r, "status": s, "entries": n, "cents": c} for (r, s), (n, c) in sorted(totals.items())]
    assert run_example(rn, "earnings_by_rule") == expected


@checks("top_earners")
def test_top_earners(net):
    rn, network = net
    sponsor_of = {c: p for c, p in network.sponsor.edges()}
    rows = [{"id": m, "status": network.statuses[m], "paid_cents": c, "sponsor_id": sponsor_of.get(m),
             "referrals": network.sponsor.in_degree(m)} for m, c in network.counter("PAID").items() if c > 0]
    expected = top(rows, lambda r: (-r["paid_cents"], r["id"]), 10)
    assert run_example(rn, "top_earners", {"limit": 10}) == expected


@checks("generation_widths")
@pytest.mark.parametrize("start", ["root", "m000", "m001"])
def test_generation_widths(net, start):
    rn, network = net
    distances = nx.single_source_shortest_path_length(network.sponsor.reverse(), start)
    widths: dict[int, Counter] = defaultdict(Counter)
    for node, generation in distances.items():
        if generation:
            widths[generation]["members"] += 1
            widths[generation]["active"] += network.statuses[node] in ("AGENT", "BOSS")
    expected = [{"generation": g, "members": c["members"], "active": c["active"]} for g, c in sorted(widths.items())]
    assert run_example(rn, "generation_widths", {"id": start}) == expected


@checks("spillover_received")
def test_spillover_received(net):
    rn, network = net
    sponsor_of = {c: p for c, p in network.sponsor.edges()}
    spill, children = Counter(), Counter()
    for child, parent in network.placement.edges():
        children[parent] += 1
        spill[parent] += sponsor_of[child] != parent
    rows = [{"id": p, "spillover": s, "children": children[p]} for p, s in spill.items() if s > 0]
    assert len(rows) > 5
    assert run_example(rn, "spillover_received", {"limit": 8}) == top(rows, lambda r: (-r["spillover"], r["id"]), 8)


@checks("inactive_recruiters")
@pytest.mark.parametrize("minimum", [1, 2])
def test_inactive_recruiters(net, minimum):
    rn, network = net
    rows = []
    for node in network.sponsor:
        recruits = list(network.sponsor.predecessors(node))
        if len(recruits) >= minimum and not any(network.statuses[r] in ("AGENT", "BOSS") for r in recruits):
            rows.append({"id": node, "status": network.statuses[node], "referrals": len(recruits)})
    if minimum == 1:
        assert rows
    expected = sorted(rows, key=lambda r: (-r["referrals"], r["id"]))
    assert run_example(rn, "inactive_recruiters", {"min_referrals": minimum}) == expected


def test_every_example_is_checked():
    assert len(examples()) >= 10
    assert set(examples()) == CHECKED


def test_money_queries_on_orders_booked_by_the_linkage_plan(rn):
    """The same queries on entries booked by the engine itself (graph.ledger.orders.record_order, plan
    linkage-3plus1, no rotation): see-point income only ever comes through WEALTH lines
    (rules §3), and every figure matches the ledger and the placement tree in networkx."""
    import random
    from decimal import Decimal

    from graph.ledger import orders
    from graph.network import members

    rng = random.Random(3)
    ids = ["root"]
    members.register(rn, "Company", member_id="root")
    for i in range(40):
        members.register(rn, f"M{i}", sponsor_id=ids[int(len(ids) * rng.random() ** 2)], member_id=f"b{i:02d}")
        ids.append(f"b{i:02d}")
    for i in range(60):
        orders.record_order(rn, f"x{i:02d}", rng.choice(ids[1:]), Decimal(rng.choice(["1000.00", "5000.00"])))
    placement = nx.DiGraph()
    for row in rn.store.run_text("MATCH (c:Member)-[l:PLACED_UNDER]->(p:Member) RETURN c.id AS c, p.id AS p, l.slot AS s"):
        placement.add_edge(row["c"], row["p"], slot=row["s"])
    entries = rn.store.run_text("MATCH (e:Entry) RETURN e.rule AS rule, e.status AS status, e.amount AS amount, "
                                "e.beneficiary_id AS b, e.order_id AS o")
    buyer_of = {o: rec.buyer_id for o, rec in orders.get_orders(rn, [f"x{i:02d}" for i in range(60)]).items()}
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        if e["rule"] == "see_point" and e["status"] == "PAID":
            path = nx.shortest_path(placement, buyer_of[e["o"]], e["b"])
            slot = placement.edges[path[-2], path[-1]]["slot"]
            totals[designation(slot, 0).value, slot][0] += 1
            totals[designation(slot, 0).value, slot][1] += e["amount"]
    expected = [{"kind": k, "slot": s, "entries": n, "cents": c} for (k, s), (n, c) in sorted(totals.items())]
    assert expected and all(row["kind"] == "WEALTH" for row in expected)
    assert run_example(rn, "see_point_income_by_line") == expected

    by_rule: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        by_rule[e["rule"], e["status"]][0] += 1
        by_rule[e["rule"], e["status"]][1] += e["amount"]
    assert run_example(rn, "earnings_by_rule") == [
        {"rule": r, "status": s, "entries": n, "cents": c} for (r, s), (n, c) in sorted(by_rule.items())]
    paid = Counter()
    for e in entries:
        if e["status"] == "PAID" and e["b"]:
            paid[e["b"]] += e["amount"]
    assert {r["id"]: r["paid_cents"] for r in run_example(rn, "top_earners", {"limit": 1000})} == dict(paid)

    # withdrawals (issue 6) freeze 20 %: frozen_money lists exactly those members and entries
    from graph.plans.linkage.withdrawals_store import withdraw

    earners = sorted(paid, key=lambda m: (-paid[m], m))[:3]
    for member_id in earners:
        withdraw(rn, member_id, Decimal(paid[member_id] // 2) / 100)
    frozen = rn.store.run_text("MATCH (e:Entry {status: 'FROZEN'})-[:TO]->(m:Member) "
                               "RETURN m.id AS id, sum(e.amount) AS cents, count(e) AS n")
    expected_frozen = {row["id"]: (row["cents"], row["n"]) for row in frozen}
    assert set(expected_frozen) == set(earners)
    rows = run_example(rn, "frozen_money")
    assert {r["id"]: (r["frozen_cents"], r["frozen_entries"]) for r in rows} == expected_frozen
    assert [r["frozen_cents"] for r in rows] == sorted((r["frozen_cents"] for r in rows), reverse=True)


def test_the_graph_model_doc_shows_every_example_as_it_is():

    from graph.store.store import query_text

    doc = (REPO / "docs" / "graph-model.md").read_text(encoding="utf-8")
    shown = "\n".join(line.strip() for line in doc.splitlines())
    for name in examples():
        body = [line.strip() for line in query_text(f"explore/{name}").splitlines() if not line.startswith("//")]
        assert f"`{name}`" in doc
        assert "\n".join(line for line in body if line) in shown, f"docs/graph-model.md shows an old {name}"
