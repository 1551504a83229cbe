// The placement path from member $id up to its root, with each member's own slot and the
// first free positions of its children. Returns one row per member on the path, nearest first.
MATCH (f:Member {id: $id})-[:PLACED_UNDER*0..100000]->(u:Member)
OPTIONAL MATCH (u)-[up:PLACED_UNDER]->(:Member)
OPTIONAL MATCH (c:Member)-[l:PLACED_UNDER]->(u)
RETURN u.id AS id, u.depth AS depth, u.seq AS seq, up.slot AS own_slot,
       collect(CASE WHEN c IS NULL THEN NULL ELSE
         {slot: l.slot, free_id: c.free_id, free_depth: c.free_depth, free_seq: c.free_seq} END) AS children
ORDER BY depth DESC
