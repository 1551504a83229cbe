// Every member with an identity or downline sales, as a month close reads them: id, identity,
// team_sales (cents). For the month's rank history (graph.plans.linkage.close).
MATCH (m:Member)
WHERE m.identity IS NOT NULL OR coalesce(m.team_sales, 0) > 0
RETURN m.id AS id, m.identity AS identity, coalesce(m.team_sales, 0) AS team_sales
