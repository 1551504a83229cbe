// Guarded: member $member_id leaves family $family_id at $now for $reason (logged as REMOVED
// with its role; its recorded activity stays). Returns id, or no row when the graph changed
// since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (m:Member {id: $member_id})-[r:MEMBER_OF]->(f:Family {id: $family_id})
CREATE (c:FamilyChange {seq: $version + 1, family_id: $family_id, member_id: $member_id, action: 'REMOVED',
                        role: r.role, reason: $reason, at: $now})
CREATE (c)-[:OF]->(f)
DELETE r
RETURN f.id AS id
