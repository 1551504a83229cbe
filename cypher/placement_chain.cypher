// The placement path from member $id up to its root, nearest first: each member's depth,
// registration seq, own slot under its parent, number of children and stored first free
// position (free_id, free_depth, free_seq).
MATCH (f:Member {id: $id})-[:PLACED_UNDER*0..100000]->(u:Member)
OPTIONAL MATCH (u)-[up:PLACED_UNDER]->(:Member)
RETURN u.id AS id, u.depth AS depth, u.seq AS seq, up.slot AS own_slot, u.children AS children,
       u.free_id AS free_id, u.free_depth AS free_depth, u.free_seq AS free_seq
ORDER BY depth DESC
