// placement_path_teams for every member of $ids at once (a batch of orders reads them before
// computing: graph.plans.linkage.batch_reads): the same columns, with the member's id as
// `buyer`, ordered by buyer, then depth.
UNWIND $ids AS buyer
MATCH (m:Member {id: buyer})-[:PLACED_UNDER*0..100000]->(u:Member)
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN buyer, u.id AS id, m.depth - u.depth AS depth, coalesce(u.team_orders, 0) AS team_orders,
       u.status AS status, s.id AS sponsor_id, coalesce(s.frozen, 0) AS sponsor_frozen,
       coalesce(s.fund_released, false) AS sponsor_released
ORDER BY buyer, depth
