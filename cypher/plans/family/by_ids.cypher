// Families by id, for DataLoaders and reads: one row per known id with name, created_at,
// leader_id and members [{member_id, role, since}] (current members only).
UNWIND $ids AS wanted
MATCH (f:Family {id: wanted})-[:LED_BY]->(l:Member)
OPTIONAL MATCH (m:Member)-[r:MEMBER_OF]->(f)
RETURN f.id AS id, f.name AS name, f.created_at AS created_at, l.id AS leader_id,
       collect(CASE WHEN m IS NULL THEN NULL ELSE {member_id: m.id, role: r.role, since: r.since} END) AS members
