// The placement paths of members $ids, as ids only (a batch of orders then reads each member on
// them once: graph.plans.linkage.batch_reads): per member `buyer` of $ids, itself and each of its
// ancestors `id` with its depth and own slot under its parent (null at a root), root first.
UNWIND $ids AS buyer
MATCH (x:Member {id: buyer})-[:PLACED_UNDER*0..100000]->(u:Member)
OPTIONAL MATCH (u)-[l:PLACED_UNDER]->(:Member)
RETURN buyer, u.id AS id, u.depth AS depth, l.slot AS own_slot
ORDER BY buyer, depth
