// Top earners: members by money paid to them (counter paid, integer cents), most first, ties
// by id, with their sponsor and their number of direct referrals; at most $limit rows.
// Returns id, status, paid_cents, sponsor_id, referrals.
MATCH (m:Member)
WHERE m.paid > 0
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN m.id AS id, m.status AS status, m.paid AS paid_cents, s.id AS sponsor_id, m.referrals AS referrals
ORDER BY paid_cents DESC, id
LIMIT $limit
