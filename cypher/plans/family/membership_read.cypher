// What a family change reads: the graph version; family $family_id (found, leader_id) and
// member $member_id (found, the family it belongs to and its role there, the family it leads).
// Returns one row.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (f:Family {id: $family_id})-[:LED_BY]->(l:Member)
OPTIONAL MATCH (m:Member {id: $member_id})
OPTIONAL MATCH (m)-[r:MEMBER_OF]->(mf:Family)
OPTIONAL MATCH (led:Family)-[:LED_BY]->(m)
RETURN v.value AS version, f IS NOT NULL AS family_found, l.id AS leader_id,
       m IS NOT NULL AS member_found, mf.id AS member_family_id, r.role AS role,
       led.id AS leads_family_id
