// What recording activity for families $family_ids reads: the graph version and, per id,
// whether the family exists, its leader, its current members and its closed periods.
MATCH (v:Meta {key: 'version'})
UNWIND $family_ids AS fid
OPTIONAL MATCH (f:Family {id: fid})-[:LED_BY]->(l:Member)
OPTIONAL MATCH (m:Member)-[:MEMBER_OF]->(f)
WITH v, fid, f, l, collect(m.id) AS members
OPTIONAL MATCH (run:FamilyPeriodRun)-[:FOR]->(f)
RETURN v.value AS version, fid AS family_id, f IS NOT NULL AS found, l.id AS leader_id,
       members, collect(run.period) AS closed
