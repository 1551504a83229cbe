// Members whose three placement lines are most unbalanced: members with all three slots
// filled, by the gap between their largest and smallest line (members in the line's subtree),
// largest gap first, ties by id; at most $limit rows.
// Returns id, largest, smallest, gap.
MATCH (c:Member)-[l:PLACED_UNDER]->(m:Member)
WITH m, collect(c.size) AS sizes, count(l) AS lines
WHERE lines = 3
WITH m,
     reduce(hi = 0, s IN sizes | CASE WHEN s > hi THEN s ELSE hi END) AS largest,
     reduce(lo = sizes[0], s IN sizes | CASE WHEN s < lo THEN s ELSE lo END) AS smallest
RETURN m.id AS id, largest, smallest, largest - smallest AS gap
ORDER BY gap DESC, id
LIMIT $limit
