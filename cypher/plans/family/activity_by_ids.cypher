// Recorded activity events by id ($ids): rows of id, family_id, member_id, type, at, diamonds,
// category, amount (cents).
UNWIND $ids AS wanted
MATCH (a:Activity {id: wanted})
RETURN a.id AS id, a.family_id AS family_id, a.member_id AS member_id, a.type AS type, a.at AS at,
       a.diamonds AS diamonds, a.category AS category, a.amount AS amount
