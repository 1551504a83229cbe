// Guarded: books a batch of registrations computed in Python (graph.network.batch) as one
// statement: creates the members of $new ([{id, name, kind, seq, landing_slug, registered_via,
// depth, sponsor_depth}], created at $now, status CUSTOMER), links each of $links ([{id,
// sponsor_id, parent_id, slot}]; roots have none) to its sponsor and placement parent, and sets
// the final placement counters of every member the batch changed ($changed: [{id, referrals,
// children, size, free_id, free_depth, free_seq, full_at}], full_at null while not full),
// adding $newly_full to Meta.full_members. Every id in $links and $changed exists once $new is
// created, so MERGE finds it (FOREACH keeps the one row when a list is empty). The version moves
// from $version to $version + size($new). Returns version, or no row when the graph changed
// since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + size($new), v.full_members = v.full_members + $newly_full
FOREACH (row IN $new |
  CREATE (:Member {
    id: row.id, name: row.name, kind: row.kind, status: 'CUSTOMER', seq: row.seq, created_at: $now,
    landing_slug: row.landing_slug, registered_via: row.registered_via,
    depth: row.depth, sponsor_depth: row.sponsor_depth, referrals: 0, size: 1, children: 0,
    free_id: row.id, free_depth: row.depth, free_seq: row.seq
  })
)
FOREACH (row IN $links |
  MERGE (x:Member {id: row.id})
  MERGE (s:Member {id: row.sponsor_id})
  MERGE (p:Member {id: row.parent_id})
  CREATE (x)-[:SPONSORED_BY]->(s)
  CREATE (x)-[:PLACED_UNDER {slot: row.slot}]->(p)
)
FOREACH (row IN $changed |
  MERGE (m:Member {id: row.id})
  SET m.referrals = row.referrals, m.children = row.children, m.size = row.size,
      m.free_id = row.free_id, m.free_depth = row.free_depth, m.free_seq = row.free_seq, m.full_at = row.full_at
)
RETURN v.value AS version
