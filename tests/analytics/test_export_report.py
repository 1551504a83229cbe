"""Exports re-import with networkx to the same graph; the report's concentration figures on a
hand-made ledger with a known answer; `refnet query/export/report` and GET /export."""

from __future__ import annotations

import io
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from graph.analytics import export as exporting
from graph.analytics.report import compute_report, concentration, network_report, top_count
from graph.analytics.snapshot import read_snapshot
from graph.network import members
from graph.network.placement import designation
from tests.support.explore_network import build


@pytest.fixture
def network(rn):
    return rn, build(rn, n=80, orders=60, seed=5)


def reimport(graph: nx.DiGraph, fmt: str) -> nx.DiGraph:
    buffer = io.BytesIO()
    exporting.write(graph, fmt, buffer)
    buffer.seek(0)
    if fmt == "graphml":
        return nx.read_graphml(buffer)
    if fmt == "gexf":
        return nx.read_gexf(buffer, node_type=str)
    return exporting.read_csv(io.TextIOWrapper(buffer, encoding="utf-8", newline=""))


def same(a: nx.DiGraph, b: nx.DiGraph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges()) == sorted(b.edges())


@pytest.mark.parametrize("fmt", exporting.FORMATS)
@pytest.mark.parametrize("tree", exporting.TREES)
def test_exports_reimport_to_the_same_graph(network, tree, fmt):
    rn, net = network
    graph = exporting.tree_graph(read_snapshot(rn), tree)
    truth = (net.sponsor if tree == "sponsor" else net.placement).reverse()  # upline → downline
    assert sorted(graph.edges()) == sorted(truth.edges())
    paid, sponsor_of = net.counter("PAID"), {c: p for c, p in net.placement.edges()}
    for member_id, data in graph.nodes(data=True):
        assert data["status"] == net.statuses[member_id]
        assert data["paid_cents"] == paid.get(member_id, 0)
        assert data["depth"] == len(nx.descendants(net.sponsor if tree == "sponsor" else net.placement, member_id))
        if member_id in sponsor_of:
            parent = sponsor_of[member_id]
            slot = net.placement.edges[member_id, parent]["slot"]
            assert (data["slot"], data["line_kind"]) == (slot, designation(slot, net.rotation[parent]).value)
        else:
            assert "slot" not in data and "line_kind" not in data
    same(reimport(graph, fmt), graph)


@pytest.mark.parametrize("fmt", exporting.FORMATS)
def test_subtree_export(network, fmt):
    rn, net = network
    snapshot = read_snapshot(rn)
    graph = exporting.tree_graph(snapshot, "placement", root="m000", depth=2)
    down = net.placement.reverse()
    expected = {n for n, d in nx.single_source_shortest_path_length(down, "m000", cutoff=2).items()}
    assert set(graph) == expected and sorted(graph.edges()) == sorted(down.subgraph(expected).edges())
    same(reimport(graph, fmt), graph)
    assert set(exporting.tree_graph(snapshot, "sponsor", depth=1)) == {
        n for n in net.sponsor if len(nx.descendants(net.sponsor, n)) <= 1}


def test_concentration_on_a_hand_made_ledger(rn):
    """20 members: root and 19 below; PAID entries written by hand: 2 members get 600.00 and
    300.00, 8 get 10.00, the rest nothing. Total 980.00. Top 1 % of 20 = 1 member (600.00);
    top 10 % = 2 members (900.00). Gini over all 20 (zeros included), computed exactly."""
    members.register(rn, "Root", member_id="root")
    for i in range(19):
        members.register(rn, f"M{i}", sponsor_id="root", member_id=f"m{i:02d}")
    paid = {"m00": 60_000, "m07": 30_000, **{f"m{i:02d}": 1_000 for i in range(10, 18)}}
    rn.store.run_text(
        "UNWIND $rows AS row MATCH (m:Member {id: row.id}) "
        "CREATE (e:Entry {id: row.id + '#0', rule: 'direct', status: 'PAID', amount: row.cents, beneficiary_id: row.id})"
        "-[:TO]->(m) SET m.paid = row.cents",
        {"rows": [{"id": k, "cents": v} for k, v in paid.items()]},
    )
    report = network_report(rn)
    e = report.earnings
    assert (e.total_paid, e.earners, e.top1_members, e.top10_members) == (98_000, 10, 1, 2)
    assert e.top1_share == pytest.approx(60_000 / 98_000) and e.top10_share == pytest.approx(90_000 / 98_000)
    values = sorted([0] * 10 + list(paid.values()))
    n = len(values)
    gini = Fraction(sum(abs(a - b) for a in values for b in values), 2 * n * sum(values))  # mean-difference form
    assert e.gini == pytest.approx(float(gini), abs=1e-12)
    # by hand, Σ (2i - n - 1)·x_(i) in 10.00 units: (1+3+…+15)·1 + 17·30 + 19·60 = 1714, / (20 · 98)
    assert gini == Fraction(1714, 1960)
    assert report.members == 20 and report.roots == 1


def test_concentration_edge_cases():
    assert concentration(np.zeros(5, dtype=np.int64)).gini == 0.0
    equal = concentration(np.full(100, 250, dtype=np.int64))
    assert equal.gini == pytest.approx(0.0) and equal.top1_share == pytest.approx(0.01) and equal.top10_share == pytest.approx(0.10)
    one = concentration(np.array([0, 0, 0, 100], dtype=np.int64))
    assert one.gini == pytest.approx(0.75) and one.top1_share == 1.0
    assert (top_count(0, 1), top_count(1, 1), top_count(100, 1), top_count(101, 1), top_count(101, 10)) == (0, 1, 1, 2, 11)


def test_report_on_the_generated_network(network):
    rn, net = network
    report = network_report(rn)
    assert report.members == len(net.ids) == 81
    assert report.agents == sum(s == "AGENT" for s in net.statuses.values())
    assert report.bosses == sum(s == "BOSS" for s in net.statuses.values())
    placement_depths = [len(nx.descendants(net.placement, n)) for n in net.placement]
    assert [(level.depth, level.members) for level in report.placement.levels] == sorted(
        (d, placement_depths.count(d)) for d in set(placement_depths))
    assert report.placement.max_depth == max(placement_depths)
    assert report.sponsor.max_depth == max(len(nx.descendants(net.sponsor, n)) for n in net.sponsor)
    down = net.placement.reverse()
    ratios = []
    for node in down:
        children = list(down.successors(node))
        if len(children) == 3:
            sizes = [1 + len(nx.descendants(down, c)) for c in children]
            ratios.append(min(sizes) / max(sizes))
    assert report.line_balance.members_with_three_lines == len(ratios)
    assert report.line_balance.mean_ratio == pytest.approx(sum(ratios) / len(ratios))
    assert report.earnings.total_paid == sum(net.counter("PAID").values())
    assert report.frozen == sum(net.counter("FROZEN").values())


def test_report_of_an_empty_graph(rn):
    report = network_report(rn)
    assert report.members == 0 and report.earnings.gini == 0.0 and report.placement.levels == []


REPORT = """{ networkReport { members roots agents bosses agentShare bossShare
  placement { tree maxDepth levels { depth members fill } } sponsor { maxDepth }
  lineBalance { membersWithThreeLines meanRatio }
  earnings { totalPaid earners top1Share top10Share gini } frozen burned } }"""


def test_graphql_network_report(network, gql, monkeypatch):
    rn, net = network
    data = gql.ok(REPORT)["networkReport"]
    expected = compute_report(read_snapshot(rn))
    assert data["members"] == 81 and data["agents"] == expected.agents
    assert data["earnings"]["gini"] == pytest.approx(expected.earnings.gini)
    cents = sum(net.counter("PAID").values())
    assert data["earnings"]["totalPaid"] == f"{cents // 100}.{cents % 100:02d}"
    assert data["placement"]["levels"][0] == {"depth": 0, "members": 1, "fill": 1.0}
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    assert gql.error(REPORT)["extensions"]["code"] == "UNAUTHENTICATED"


def test_export_route(network, gql, monkeypatch):
    rn, net = network
    response = gql.http.get("/export/placement.graphml", params={"root": "m000", "depth": "1"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/graphml+xml")
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert set(graph) == {"m000", *net.placement.predecessors("m000")}
    whole = nx.read_graphml(io.BytesIO(gql.http.get("/export/sponsor.graphml").content))
    assert sorted(whole.edges()) == sorted(net.sponsor.reverse().edges())
    assert gql.http.get("/export/family.graphml").status_code == 400
    assert gql.http.get("/export/sponsor.graphml", params={"root": "nobody"}).status_code == 404
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    assert gql.http.get("/export/sponsor.graphml").status_code == 401
    ok = gql.http.get("/export/sponsor.graphml", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


@pytest.mark.parametrize("page_rows", [1, 2, 7])
def test_snapshot_pages_read_every_member_once_in_order(network, page_rows):
    rn, net = network
    rn.store.run_text("MATCH (v:Meta {key: 'version'}) SET v.value = v.value + 1000")  # a gap in seq
    members.register(rn, "Late", sponsor_id="m000", member_id="late")
    whole = read_snapshot(rn)
    paged = read_snapshot(rn, page_rows=page_rows)
    assert paged.columns == whole.columns
    assert whole.columns["id"] == net.ids + ["late"]
    assert whole.columns["seq"] == sorted(whole.columns["seq"])
