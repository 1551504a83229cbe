// One level of a placement downline walk: the placement children of each of $ids.
// Returns parent_id, id and slot.
UNWIND $ids AS pid
MATCH (c:Member)-[l:PLACED_UNDER]->(p:Member {id: pid})
RETURN p.id AS parent_id, c.id AS id, l.slot AS slot
