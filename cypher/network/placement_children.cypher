// The placement children of member $id: slot and each child's first free position.
MATCH (c:Member)-[l:PLACED_UNDER]->(:Member {id: $id})
RETURN l.slot AS slot, c.free_id AS free_id, c.free_depth AS free_depth, c.free_seq AS free_seq
