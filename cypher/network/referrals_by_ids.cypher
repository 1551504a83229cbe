// Direct referrals (sponsor-tree children) of members, for DataLoaders, in registration order.
UNWIND $ids AS wanted
MATCH (c:Member)-[:SPONSORED_BY]->(m:Member {id: wanted})
RETURN m.id AS sponsor_id, c.id AS id, c.seq AS seq
ORDER BY sponsor_id, seq
