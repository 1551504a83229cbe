// The direct referrals of sponsors $ids with their registration order, status and team order
// count (B1, B2 of rules §6 are each sponsor's first two). Returns sponsor_id, id, seq,
// status, team_orders.
UNWIND $ids AS wanted
MATCH (r:Member)-[:SPONSORED_BY]->(s:Member {id: wanted})
RETURN s.id AS sponsor_id, r.id AS id, r.seq AS seq, r.status AS status,
       coalesce(r.team_orders, 0) AS team_orders
