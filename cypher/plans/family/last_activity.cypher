// Per member of family $family_id, the times of its first and last activity of a type in
// $types at or before $as_of, but for the events of archived periods still being removed
// ($archived: read from the archive): rows of member_id, first_at, last_at.
MATCH (a:Activity)-[:IN]->(f:Family {id: $family_id})
WHERE a.at <= $as_of AND a.type IN $types AND (a.archive IS NULL OR NOT a.archive IN $archived)
RETURN a.member_id AS member_id, min(a.at) AS first_at, max(a.at) AS last_at
