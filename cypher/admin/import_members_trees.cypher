// Import: the placement counters of members that were in the graph before the import and
// got imported members below them, from $rows: [{id, size, children, referrals (deltas),
// free_id, free_depth, free_seq (the new first free position)}]. Returns moved.
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH v
UNWIND $rows AS row
MATCH (m:Member {id: row.id})
SET m.size = m.size + row.size, m.children = m.children + row.children,
    m.referrals = m.referrals + row.referrals,
    m.free_id = row.free_id, m.free_depth = row.free_depth, m.free_seq = row.free_seq
RETURN count(m) AS moved
