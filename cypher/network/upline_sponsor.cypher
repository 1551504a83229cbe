// The sponsor upline of $id, nearest first, at most $max_depth levels.
// Returns id, depth and each one's own sponsor as parent_id.
MATCH (m:Member {id: $id})-[:SPONSORED_BY*1..100000]->(u:Member)
WITH u, m.sponsor_depth - u.sponsor_depth AS depth
WHERE depth <= $max_depth
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN u.id AS id, depth, s.id AS parent_id, NULL AS slot
ORDER BY depth
