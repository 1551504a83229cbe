// A page of the activity events marked for the archive of $period, by key after $after ('' =
// from the start), at most $limit: every property (amount in cents, times in epoch ms), with
// member_id / family_id as the BY / IN relationships name them.
MATCH (a:Activity {archive: $period})
WHERE a.key > $after
OPTIONAL MATCH (a)-[:BY]->(m:Member)
OPTIONAL MATCH (a)-[:IN]->(f:Family)
RETURN a.key AS key, a.id AS id, coalesce(f.id, a.family_id) AS family_id, coalesce(m.id, a.member_id) AS member_id,
       a.type AS type, a.at AS at, a.diamonds AS diamonds, a.category AS category, a.amount AS amount,
       a.recorded_at AS recorded_at, a.archive AS archive
ORDER BY key
LIMIT $limit
