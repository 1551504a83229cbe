// One level of a sponsor downline walk: the direct referrals of each of $ids.
// Returns parent_id, id and seq, in registration order.
UNWIND $ids AS pid
MATCH (c:Member)-[:SPONSORED_BY]->(p:Member {id: pid})
RETURN p.id AS parent_id, c.id AS id, c.seq AS seq
ORDER BY seq
