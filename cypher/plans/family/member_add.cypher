// Guarded: member $member_id joins family $family_id with $role at $now (logged as JOINED).
// Returns id, or no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (f:Family {id: $family_id})
MATCH (m:Member {id: $member_id})
CREATE (m)-[:MEMBER_OF {role: $role, since: $now}]->(f)
CREATE (c:FamilyChange {seq: $version + 1, family_id: $family_id, member_id: $member_id, action: 'JOINED', role: $role, at: $now})
CREATE (c)-[:OF]->(f)
RETURN f.id AS id
