// The placement upline of $id, nearest first, at most $max_depth levels.
// Returns id, depth, and each one's own placement parent (parent_id) and slot under it.
MATCH (m:Member {id: $id})-[:PLACED_UNDER*1..100000]->(u:Member)
WITH u, m.depth - u.depth AS depth
WHERE depth <= $max_depth
OPTIONAL MATCH (u)-[l:PLACED_UNDER]->(p:Member)
RETURN u.id AS id, depth, p.id AS parent_id, l.slot AS slot
ORDER BY depth
