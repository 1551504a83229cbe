"""Member administration (issue 16): sponsor and placement moves on random trees — every
counter equals a recount (networkx), no entry changes, the audit record is there, cycles,
full parents and gaps are refused — and registrations afterwards follow rules §2."""

from __future__ import annotations

import random
from decimal import Decimal

import networkx as nx
import pytest

from graph.admin import member_admin
from graph.core.errors import Conflict, DomainError
from graph.ledger import orders
from graph.network import members
from graph.plans.linkage.allocation import status_of
from tests.support.placement_model import PlacementModel

PRICES = (Decimal("1000.00"), Decimal("5000.00"))


def grow(rn, n: int, buyers: int, seed: int) -> None:
    rng = random.Random(seed)
    members.register(rn, "Company", member_id="root")
    ids = ["root"]
    for index in range(n):
        member_id = f"m{index}"
        members.register(rn, member_id, sponsor_id=ids[int(len(ids) * rng.random() ** 2)], member_id=member_id)
        ids.append(member_id)
    for index in range(buyers):
        orders.record_order(rn, f"o{index}", rng.choice(ids[1:]), rng.choice(PRICES))


def graph_state(rn):
    nodes = {row["id"]: row for row in rn.store.run_text(
        "MATCH (m:Member) RETURN m.id AS id, m.seq AS seq, m.size AS size, m.children AS children, m.depth AS depth, "
        "m.sponsor_depth AS sponsor_depth, m.referrals AS referrals, "
        "coalesce(m.agent_referrals, 0) AS agent_referrals, "
        "m.status AS status, coalesce(m.packages, 0) AS packages, coalesce(m.team_orders, 0) AS team_orders, "
        "coalesce(m.team_sales, 0) AS team_sales, m.free_id AS free_id, m.free_depth AS free_depth, "
        "m.free_seq AS free_seq")}
    sponsor, placement = nx.DiGraph(), nx.DiGraph()  # edges parent → child
    sponsor.add_nodes_from(nodes)
    placement.add_nodes_from(nodes)
    for row in rn.store.run_text("MATCH (c:Member)-[:SPONSORED_BY]->(p:Member) RETURN c.id AS c, p.id AS p"):
        sponsor.add_edge(row["p"], row["c"])
    for row in rn.store.run_text("MATCH (c:Member)-[l:PLACED_UNDER]->(p:Member) RETURN c.id AS c, p.id AS p, "
                                 "l.slot AS slot"):
        placement.add_edge(row["p"], row["c"], slot=row["slot"])
    bought = rn.store.run_text("MATCH (o:Order)-[:BOUGHT_BY]->(b:Member) RETURN b.id AS id, o.amount AS amount")
    return nodes, sponsor, placement, bought


def recount(nodes, sponsor, placement, bought) -> dict:
    expected = {}
    for member_id, node in nodes.items():
        below = nx.descendants(placement, member_id) | {member_id}
        downline = nx.descendants(sponsor, member_id)
        free = min((nodes[m]["depth"], nodes[m]["seq"], m) for m in below if placement.out_degree(m) < 3)
        agents = sum(1 for c in sponsor.successors(member_id) if nodes[c]["packages"] > 0)
        expected[member_id] = {
            "size": len(below),
            "children": placement.out_degree(member_id),
            "depth": len(nx.ancestors(placement, member_id)),
            "sponsor_depth": len(nx.ancestors(sponsor, member_id)),
            "referrals": sponsor.out_degree(member_id),
            "agent_referrals": agents,
            "status": status_of(node["packages"], agents, 3),
            "team_orders": sum(1 for o in bought if o["id"] in below),
            "team_sales": sum(o["amount"] for o in bought if o["id"] in downline),
            "free": free,
        }
    return expected


def stored(nodes) -> dict:
    return {member_id: {**{k: node[k] for k in ("size", "children", "depth", "sponsor_depth", "referrals",
                                                   "agent_referrals", "status", "team_orders", "team_sales")},
                        "free": (node["free_depth"], node["free_seq"], node["free_id"])}
            for member_id, node in nodes.items()}


def entries(rn):
    return rn.store.run_text("MATCH (e:Entry) RETURN e.id AS id, e.amount AS amount, e.status AS status, "
                             "e.beneficiary_id AS who, e.explanation AS text ORDER BY id")


def valid_move(tree: str, member_id: str, target: str, sponsor, placement) -> bool:
    graph = sponsor if tree == "SPONSOR" else placement
    parents = list(graph.predecessors(member_id))
    if not parents or target == member_id or target in nx.descendants(graph, member_id) or target == parents[0]:
        return False
    if tree == "PLACEMENT":
        slots = [placement.edges[parents[0], c]["slot"] for c in placement.successors(parents[0])]
        if placement.out_degree(target) >= 3 or placement.edges[parents[0], member_id]["slot"] != max(slots):
            return False
    return True


def assert_full_members_consistent(rn) -> None:
    """A member rotates (has full_at) exactly while it has three placement children, and the
    graph's full-member count says how many do (rules §4; graph/network/rotation.py)."""
    rows = rn.store.run_text("MATCH (m:Member) OPTIONAL MATCH (c:Member)-[:PLACED_UNDER]->(m) "
                             "RETURN m.id AS id, m.full_at IS NOT NULL AS full, count(c) AS lines")
    assert {row["id"]: row["full"] for row in rows} == {row["id"]: row["lines"] == 3 for row in rows}
    counted = rn.store.run_text("MATCH (v:Meta {key: 'version'}) RETURN v.full_members AS full")[0]["full"]
    assert counted == sum(1 for row in rows if row["full"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_moves_keep_every_counter_equal_to_a_recount(rn, seed):
    grow(rn, 40, 30, seed)
    booked = entries(rn)
    rng = random.Random(seed)
    ids = sorted(graph_state(rn)[0])
    done = refused = 0
    for step in range(25):
        nodes, sponsor, placement, _ = graph_state(rn)
        tree = rng.choice(("SPONSOR", "PLACEMENT"))
        member_id, target = rng.choice(ids), rng.choice(ids)
        expected_ok = valid_move(tree, member_id, target, sponsor, placement)
        try:
            record = member_admin.move_member(
                rn, member_id, new_sponsor_id=target if tree == "SPONSOR" else None,
                new_placement_parent_id=target if tree == "PLACEMENT" else None, reason=f"step {step}")
        except DomainError as error:
            assert not expected_ok, error.message
            refused += 1
            continue
        assert expected_ok
        done += 1
        assert (record.member_id, record.tree, record.to_id, record.reason) == (member_id, tree, target, f"step {step}")
        state = graph_state(rn)
        assert stored(state[0]) == recount(*state)
        assert_full_members_consistent(rn)
    assert done >= 3 and refused >= 3
    assert entries(rn) == booked
    assert len(member_admin.moves_of(rn)) == done


def test_after_moves_registrations_follow_the_rules(rn):
    grow(rn, 30, 0, 9)
    member_admin.move_member(rn, "m29", new_placement_parent_id="m5", reason="wrong leg")
    nodes, sponsor, placement, _ = graph_state(rn)
    mover = next(m for m in sorted(nodes) if m not in ("root",) and not nx.has_path(sponsor, m, "m3")
                 and list(sponsor.predecessors(m)) != ["m3"])
    member_admin.move_member(rn, mover, new_sponsor_id="m3", reason="sponsor corrected")
    nodes, sponsor, placement, _ = graph_state(rn)
    model = PlacementModel()
    for member_id in nodes:
        model.children[member_id], model.referrals[member_id] = {}, 0
    for member_id in sorted(nodes, key=lambda m: nodes[m]["seq"]):
        parent = next(iter(placement.predecessors(member_id)), None)
        sponsor_id = next(iter(sponsor.predecessors(member_id)), None)
        model.sponsor[member_id] = sponsor_id
        model.order[member_id] = len(model.order)
        model.r[member_id] = 0
        model.parent[member_id] = parent
        model.slot[member_id] = placement.edges[parent, member_id]["slot"] if parent else None
        model.depth[member_id] = nodes[member_id]["depth"]
        if parent is not None:
            model.children[parent][model.slot[member_id]] = member_id
        if sponsor_id is not None:
            model.referrals[sponsor_id] += 1
    rng = random.Random(4)
    for index in range(60):
        sponsor_id = rng.choice(sorted(model.parent))
        placed = members.register(rn, "New", sponsor_id=sponsor_id, member_id=f"n{index}")
        model.register(f"n{index}", sponsor_id)
        assert (placed.parent_id, placed.slot) == (model.parent[f"n{index}"], model.slot[f"n{index}"])


def test_refusals_name_the_problem(rn):
    grow(rn, 12, 0, 5)
    nodes, sponsor, placement, _ = graph_state(rn)
    child = next(iter(placement.successors("m0")), None) or next(iter(sponsor.successors("m0")))
    with pytest.raises(Conflict, match="cycle"):
        member_admin.move_member(rn, "m0", new_sponsor_id=next(iter(sponsor.successors("m0")), "m0"), reason="x")
    full = next(m for m in nodes if placement.out_degree(m) == 3)
    leaf = next(m for m in nodes if m != "root" and placement.out_degree(m) == 0
                and list(placement.predecessors(m))[0] != full)
    with pytest.raises(Conflict, match="three children"):
        member_admin.move_member(rn, leaf, new_placement_parent_id=full, reason="x")
    with pytest.raises(DomainError, match="root"):
        member_admin.move_member(rn, "root", new_sponsor_id=child, reason="x")
    with pytest.raises(DomainError, match="reason"):
        member_admin.move_member(rn, leaf, new_sponsor_id="root", reason=" ")
    with pytest.raises(DomainError, match="exactly one"):
        member_admin.move_member(rn, leaf, reason="x")
    assert member_admin.moves_of(rn) == []


def test_list_search_and_rename(rn):
    grow(rn, 12, 4, 6)
    page = member_admin.list_members(rn, first=5)
    assert [m.id for m in page.members] == ["root", "m0", "m1", "m2", "m3"] and page.has_next
    rest = member_admin.list_members(rn, first=50, after=page.cursors[-1])
    assert [m.id for m in rest.members][:2] == ["m4", "m5"] and not rest.has_next
    assert [m.id for m in member_admin.list_members(rn, search="M1").members] == ["m1", "m10", "m11"]
    agents = member_admin.list_members(rn, status="AGENT").members
    assert agents and all(m.status == "AGENT" for m in agents)
    assert member_admin.update_member(rn, "m1", name="  Ann Lee ").name == "Ann Lee"
    with pytest.raises(DomainError, match="cursor"):
        member_admin.list_members(rn, after="garbage!")


def test_members_connection_update_and_move_in_graphql(gql, rn):
    grow(rn, 8, 3, 7)
    data = gql.ok('{ members(first: 3) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }')
    page = data["members"]
    assert [e["node"]["id"] for e in page["edges"]] == ["root", "m0", "m1"] and page["pageInfo"]["hasNextPage"]
    after = page["pageInfo"]["endCursor"]
    more = gql.ok('query($after: String) { members(first: 50, after: $after, kind: PARTNER) { edges { node { id } } '
                  'pageInfo { hasNextPage } } }', after=after)["members"]
    assert more["edges"][0]["node"]["id"] == "m2" and not more["pageInfo"]["hasNextPage"]
    assert gql.ok('mutation { updateMember(id: "m1", name: "Bo") { name } }')["updateMember"]["name"] == "Bo"
    error = gql.error('mutation { updateMember(id: "m1", name: " ") { name } }')
    assert error["extensions"]["code"] == "BAD_INPUT"
    nodes, sponsor, placement, _ = graph_state(rn)
    mover = next(m for m in sorted(nodes) if m != "root" and "root" not in sponsor.predecessors(m))
    move = gql.ok('mutation($id: ID!) { moveMember(id: $id, newSponsorId: "root", reason: "data entry") '
                  '{ id memberId tree fromId toId reason by at } }', id=mover)["moveMember"]
    assert (move["memberId"], move["tree"], move["toId"], move["by"]) == (mover, "SPONSOR", "root", "admin")
    audit = gql.ok('{ treeMoves { id reason } }')["treeMoves"]
    assert audit == [{"id": move["id"], "reason": "data entry"}]
    cycle = gql.error('mutation { moveMember(id: "root", newSponsorId: "m0", reason: "x") { id } }')
    assert cycle["extensions"]["code"] in ("BAD_INPUT", "CONFLICT")


def test_no_move_while_a_period_close_runs(rn):
    grow(rn, 6, 0, 8)
    rn.store.run_text("CREATE (:PeriodRun {id: 'differential:2026-11', period: '2026-11', state: 'RUNNING'})")
    with pytest.raises(Conflict, match="period close is running"):
        member_admin.move_member(rn, "m5", new_sponsor_id="root", reason="x")
    rn.store.run_text("MATCH (r:PeriodRun) SET r.state = 'DONE'")
    assert member_admin.move_member(rn, "m5", new_sponsor_id="m0", reason="x").to_id == "m0"


def test_a_move_dated_back_stays_within_open_periods(rn, gql):
    from graph.core.periods import parse_period, period_of
    from graph.ledger.period_close import close_period

    grow(rn, 6, 0, 8)
    now = rn.clock()
    this_month = parse_period(period_of(now))
    last_month = parse_period(period_of(this_month.start_ms - 1))
    close_period(rn, last_month.name)
    with pytest.raises(Conflict, match=f"period {last_month.name}, which is closed"):
        member_admin.move_member(rn, "m5", new_sponsor_id="root", reason="x", effective_at=this_month.start_ms - 1)
    with pytest.raises(DomainError, match="future"):
        member_admin.move_member(rn, "m5", new_sponsor_id="root", reason="x", effective_at=now + 86_400_000)
    assert member_admin.moves_of(rn) == []
    record = member_admin.move_member(rn, "m5", new_sponsor_id="m0", reason="signed on the 1st",
                                      effective_at=this_month.start_ms)
    assert record.effective_at == this_month.start_ms and record.at >= now
    assert member_admin.moves_of(rn) == [record]
    refused = gql.error('mutation($at: DateTime!) { moveMember(id: "m4", newSponsorId: "m0", reason: "x", '
                        'effectiveAt: $at) { id } }', at=f"{last_month.name}-15T00:00:00Z")
    assert refused["extensions"]["code"] == "CONFLICT" and last_month.name in refused["message"]
    dated = gql.ok('{ treeMoves { effectiveAt at } }')["treeMoves"]
    assert len(dated) == 1 and dated[0]["effectiveAt"].startswith(this_month.name)
