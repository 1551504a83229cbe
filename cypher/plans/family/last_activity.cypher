// Per member of family $family_id, the times of its first and last activity of a type in
// $types at or before $as_of: rows of member_id, first_at, last_at.
MATCH (a:Activity)-[:IN]->(f:Family {id: $family_id})
WHERE a.at <= $as_of AND a.type IN $types
RETURN a.member_id AS member_id, min(a.at) AS first_at, max(a.at) AS last_at
