// Members $ids and their placement ancestors, each once, with depth, seq, placement parent and
// children (slot, id and the child's first free position). Returns id, depth, seq, parent_id,
// children.
UNWIND $ids AS wanted
MATCH (:Member {id: wanted})-[:PLACED_UNDER*0..100000]->(u:Member)
WITH DISTINCT u
OPTIONAL MATCH (u)-[:PLACED_UNDER]->(up:Member)
OPTIONAL MATCH (c:Member)-[l:PLACED_UNDER]->(u)
RETURN u.id AS id, u.depth AS depth, u.seq AS seq, up.id AS parent_id,
       collect(CASE WHEN c IS NULL THEN NULL ELSE
         {slot: l.slot, id: c.id, free_id: c.free_id, free_depth: c.free_depth, free_seq: c.free_seq} END) AS children
