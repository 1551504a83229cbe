// The linkage close's read of the sponsor tree (graph/plans/linkage/close.py, level step): every
// member's id, sponsor ('' for a root) and all-time sponsor-downline sales (team_sales, cents),
// as one row of aligned lists (read several times faster than a row per member; each value sent
// costs ~2 µs, so sales and sponsor travel as one text). Returns ids and sales_sponsors
// ('<team_sales> <sponsor id>').
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN collect(m.id) AS ids, collect(toString(toInteger(coalesce(m.team_sales, 0))) + ' ' + coalesce(s.id, '')) AS sales_sponsors
