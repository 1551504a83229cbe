// The linkage close's read of the sponsor tree (graph/plans/linkage/close.py, level step): every
// member's id, sponsor ('' for a root) and all-time sponsor-downline sales (team_sales, cents),
// as one row of aligned lists (read several times faster than a row per member).
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN collect(m.id) AS ids, collect(coalesce(s.id, '')) AS sponsor_ids, collect(coalesce(m.team_sales, 0)) AS team_sales
