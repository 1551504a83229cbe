// Activity of family $family_id with $from <= at <= $to, but for the events of archived periods
// still being removed ($archived: read from the archive): rows of member_id, type, at,
// diamonds, category, amount (cents), oldest first.
MATCH (a:Activity)-[:IN]->(f:Family {id: $family_id})
WHERE a.at >= $from AND a.at <= $to AND (a.archive IS NULL OR NOT a.archive IN $archived)
RETURN a.member_id AS member_id, a.type AS type, a.at AS at, a.diamonds AS diamonds,
       a.category AS category, a.amount AS amount
ORDER BY a.at, a.member_id
