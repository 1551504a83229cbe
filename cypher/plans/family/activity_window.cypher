// Activity of family $family_id with $from <= at <= $to: rows of member_id, type, at,
// diamonds, category, amount (cents), oldest first.
MATCH (a:Activity)-[:IN]->(f:Family {id: $family_id})
WHERE a.at >= $from AND a.at <= $to
RETURN a.member_id AS member_id, a.type AS type, a.at AS at, a.diamonds AS diamonds,
       a.category AS category, a.amount AS amount
ORDER BY a.at, a.member_id
