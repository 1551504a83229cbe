// Up to four links of the placement path from member $id towards its root, nearest first: each
// member's depth, registration seq, own slot under its parent and that parent's id, number of
// children and stored first free position (free_id, free_depth, free_seq). Fewer than four
// rows: the last one is the root. (graph.network.members.read_chain reads on from the last parent.)
MATCH (f:Member {id: $id})-[:PLACED_UNDER*0..3]->(u:Member)
OPTIONAL MATCH (u)-[up:PLACED_UNDER]->(p:Member)
RETURN u.id AS id, u.depth AS depth, u.seq AS seq, up.slot AS own_slot, p.id AS parent_id,
       u.children AS children, u.free_id AS free_id, u.free_depth AS free_depth, u.free_seq AS free_seq
ORDER BY depth DESC
