// The sponsor uplines of members $ids (nearest first per member) with each upline member's
// all-time sponsor-downline sales (team_sales, cents). Returns member_id, id, depth, team_sales.
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})-[:SPONSORED_BY*1..100000]->(u:Member)
RETURN m.id AS member_id, u.id AS id, m.sponsor_depth - u.sponsor_depth AS depth,
       coalesce(u.team_sales, 0) AS team_sales
ORDER BY member_id, depth
