// What closing period $period ($start <= at < $end) of family $family_id reads: the graph
// version, whether the run $key exists, the leader, and each member's diamonds of the
// qualifying $types: one row with version, closed, leader_id, members [{member_id, diamonds}].
MATCH (v:Meta {key: 'version'})
MATCH (f:Family {id: $family_id})-[:LED_BY]->(l:Member)
OPTIONAL MATCH (run:FamilyPeriodRun {key: $key})
OPTIONAL MATCH (a:Activity)-[:IN]->(f)
WHERE a.at >= $start AND a.at < $end AND a.type IN $types
WITH v, l, run, a.member_id AS member_id, sum(a.diamonds) AS diamonds
RETURN v.value AS version, run IS NOT NULL AS closed, l.id AS leader_id,
       collect(CASE WHEN member_id IS NULL THEN NULL ELSE {member_id: member_id, diamonds: diamonds} END) AS members
