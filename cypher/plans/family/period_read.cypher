// What closing period $period ($start <= at < $end) of family $family_id reads: the graph
// version, whether the run $key exists, the family's creation time, the leader, and each
// member's diamonds of the qualifying $types and its events of any type: one row with
// version, closed, created_at, leader_id, events, members [{member_id, diamonds}].
MATCH (v:Meta {key: 'version'})
MATCH (f:Family {id: $family_id})-[:LED_BY]->(l:Member)
OPTIONAL MATCH (run:FamilyPeriodRun {key: $key})
OPTIONAL MATCH (a:Activity)-[:IN]->(f)
WHERE a.at >= $start AND a.at < $end
WITH v, f, l, run, a.member_id AS member_id,
     sum(CASE WHEN a.type IN $types THEN a.diamonds ELSE 0 END) AS diamonds, count(a) AS events
RETURN v.value AS version, run IS NOT NULL AS closed, f.created_at AS created_at, l.id AS leader_id,
       sum(events) AS events,
       collect(CASE WHEN member_id IS NULL THEN NULL ELSE {member_id: member_id, diamonds: diamonds} END) AS members
