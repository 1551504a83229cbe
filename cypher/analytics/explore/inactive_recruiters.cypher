// Recruiters whose referrals never bought: members with at least $min_referrals direct
// referrals none of whom is an agent or boss, most referrals first, ties by id.
// Returns id, status, referrals.
MATCH (r:Member)-[s:SPONSORED_BY]->(m:Member)
WITH m, count(s) AS referrals,
     sum(CASE WHEN r.status IN ['AGENT', 'BOSS'] THEN 1 ELSE 0 END) AS active
WHERE referrals >= $min_referrals AND active = 0
RETURN m.id AS id, m.status AS status, referrals
ORDER BY referrals DESC, id
