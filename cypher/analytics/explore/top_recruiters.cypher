// Top recruiters of a time window: members by the number of members they sponsored who
// registered in [$since, $until) (epoch milliseconds, e.g. this month), most first, ties by id;
// at most $limit rows. Returns id, name, status, recruits.
MATCH (recruit:Member)-[s:SPONSORED_BY]->(m:Member)
WHERE recruit.created_at >= $since AND recruit.created_at < $until
RETURN m.id AS id, m.name AS name, m.status AS status, count(s) AS recruits
ORDER BY recruits DESC, id
LIMIT $limit
