// Guarded: creates family $id named $name led by member $leader_id at $now.
// Returns id, or no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (l:Member {id: $leader_id})
CREATE (f:Family {id: $id, name: $name, created_at: $now})
CREATE (f)-[:LED_BY]->(l)
CREATE (c:FamilyChange {seq: $version + 1, family_id: $id, member_id: $leader_id, action: 'CREATED', role: 'LEADER', at: $now})
CREATE (c)-[:OF]->(f)
RETURN f.id AS id
