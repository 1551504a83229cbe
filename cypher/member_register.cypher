// Guarded: registers a member under its sponsor and its placement parent (with its landing
// slug, may be null, and how it was registered: company / partner:<id> / landing:<slug>), adds one to the
// subtree size of every placement ancestor and stores their new first free positions
// ($ancestors: [{id, free_id, free_depth, free_seq}], parent first).
// Returns id and the number of ancestors updated, or no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (s:Member {id: $sponsor_id})
MATCH (p:Member {id: $parent_id})
SET s.referrals = s.referrals + 1
CREATE (x:Member {
  id: $id, name: $name, kind: $kind, status: 'CUSTOMER', seq: $seq, created_at: $now,
  landing_slug: $landing_slug, registered_via: $registered_via,
  depth: p.depth + 1, sponsor_depth: s.sponsor_depth + 1, r: 0, referrals: 0, size: 1,
  free_id: $id, free_depth: p.depth + 1, free_seq: $seq
})
CREATE (x)-[:SPONSORED_BY]->(s)
CREATE (x)-[:PLACED_UNDER {slot: $slot}]->(p)
WITH x
UNWIND $ancestors AS a
MATCH (u:Member {id: a.id})
SET u.size = u.size + 1, u.free_id = a.free_id, u.free_depth = a.free_depth, u.free_seq = a.free_seq
RETURN x.id AS id, count(u) AS ancestors
