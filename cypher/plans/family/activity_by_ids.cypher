// Recorded activity events by id ($ids), but for those of archived periods still being removed
// ($archived: read from the archive): rows of id, family_id, member_id, type, at, diamonds,
// category, amount (cents).
UNWIND $ids AS wanted
MATCH (a:Activity {id: wanted})
WHERE a.archive IS NULL OR NOT a.archive IN $archived
RETURN a.id AS id, a.family_id AS family_id, a.member_id AS member_id, a.type AS type, a.at AS at,
       a.diamonds AS diamonds, a.category AS category, a.amount AS amount
