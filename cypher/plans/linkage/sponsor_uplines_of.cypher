// upline_sponsor (all levels) for every member of $ids at once (a batch of orders reads them
// before computing: graph.plans.linkage.batch_reads): the same columns, with the member's id as
// `buyer`, ordered by buyer, then depth.
UNWIND $ids AS buyer
MATCH (m:Member {id: buyer})-[:SPONSORED_BY*1..100000]->(u:Member)
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN buyer, u.id AS id, m.sponsor_depth - u.sponsor_depth AS depth, s.id AS parent_id, NULL AS slot
ORDER BY buyer, depth
