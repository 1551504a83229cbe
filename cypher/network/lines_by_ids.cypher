// The placement lines of members, for DataLoaders: one row per child with its parent's id
// and rotation offset (Meta.rotation_runs - full_at, 0 while not full), the slot and the child's subtree size.
MATCH (v:Meta {key: 'version'})
UNWIND $ids AS wanted
MATCH (c:Member)-[l:PLACED_UNDER]->(m:Member {id: wanted})
RETURN m.id AS parent_id, coalesce(v.rotation_runs - m.full_at, 0) AS r, l.slot AS slot, c.id AS id, c.size AS size
ORDER BY parent_id, slot
