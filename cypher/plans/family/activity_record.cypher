// Guarded: records $events [{id, family_id, member_id, type, at, diamonds, category, amount}]
// (amount in cents, expenses only) as (:Activity)-[:BY]->(:Member) and -[:IN]->(:Family),
// recorded at $now. Returns recorded: the number created, 0 when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH DISTINCT 1 AS one
UNWIND $events AS e
MATCH (f:Family {id: e.family_id})
MATCH (m:Member {id: e.member_id})
CREATE (a:Activity {id: e.id, family_id: e.family_id, member_id: e.member_id, type: e.type, at: e.at,
                    diamonds: e.diamonds, category: e.category, amount: e.amount, recorded_at: $now})
CREATE (a)-[:BY]->(m)
CREATE (a)-[:IN]->(f)
RETURN count(a) AS recorded
