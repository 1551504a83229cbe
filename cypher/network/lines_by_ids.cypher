// The placement lines of members, for DataLoaders: one row per child with its parent's id
// and rotation offset, the slot and the child's subtree size.
UNWIND $ids AS wanted
MATCH (c:Member)-[l:PLACED_UNDER]->(m:Member {id: wanted})
RETURN m.id AS parent_id, m.r AS r, l.slot AS slot, c.id AS id, c.size AS size
ORDER BY parent_id, slot
