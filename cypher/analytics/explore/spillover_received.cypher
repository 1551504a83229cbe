// Who receives the slide-down (三三滑落): members by the number of placement children that
// someone else sponsored, most first, ties by id; at most $limit rows.
// Returns id, spillover, children (all placement children).
MATCH (c:Member)-[l:PLACED_UNDER]->(p:Member)
MATCH (c)-[s:SPONSORED_BY]->(sponsor:Member)
WITH p, count(l) AS children, sum(CASE WHEN sponsor.id <> p.id THEN 1 ELSE 0 END) AS spillover
WHERE spillover > 0
RETURN p.id AS id, spillover, children
ORDER BY spillover DESC, id
LIMIT $limit
