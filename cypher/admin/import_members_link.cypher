// Import, second step: links imported members to their sponsor and placement parent, from
// $rows: [{id, sponsor_id, parent_id, slot}] (no row for a root). Returns linked.
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH v
UNWIND $rows AS row
MATCH (x:Member {id: row.id})
MATCH (s:Member {id: row.sponsor_id})
MATCH (p:Member {id: row.parent_id})
CREATE (x)-[:SPONSORED_BY]->(s)
CREATE (x)-[:PLACED_UNDER {slot: row.slot}]->(p)
RETURN count(x) AS linked
