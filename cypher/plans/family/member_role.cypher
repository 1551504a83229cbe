// Guarded: member $member_id of family $family_id takes $role at $now (logged as ROLE_CHANGED
// with the previous role). Returns id, or no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (m:Member {id: $member_id})-[r:MEMBER_OF]->(f:Family {id: $family_id})
CREATE (c:FamilyChange {seq: $version + 1, family_id: $family_id, member_id: $member_id, action: 'ROLE_CHANGED',
                        role: $role, previous_role: r.role, at: $now})
CREATE (c)-[:OF]->(f)
SET r.role = $role
RETURN f.id AS id
