// Member $id and its placement ancestors (nearest first), each with its team order count
// (orders in its placement subtree), status, sponsor and that sponsor's frozen fund state.
// Returns id, depth (0 = $id), team_orders, status, sponsor_id, sponsor_frozen, sponsor_released.
MATCH (m:Member {id: $id})-[:PLACED_UNDER*0..100000]->(u:Member)
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN u.id AS id, m.depth - u.depth AS depth, coalesce(u.team_orders, 0) AS team_orders,
       u.status AS status, s.id AS sponsor_id, coalesce(s.frozen, 0) AS sponsor_frozen,
       coalesce(s.fund_released, false) AS sponsor_released
ORDER BY depth
