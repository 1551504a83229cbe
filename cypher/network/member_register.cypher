// Guarded: registers member $id under sponsor $sponsor_id and placement parent $parent_id in
// $slot (with its landing slug, may be null, and how it was registered: company /
// partner:<id> / landing:<slug>), adds one to the subtree size of every placement ancestor
// and stores the first free positions of the parent and of every ancestor whose one changed
// ($frees: [{id, free_id, free_depth, free_seq}], never empty). The parent whose third slot
// this fills becomes full: it stores the rotation run counter (full_at) and counts as full.
// Returns id and the number of ancestors, or no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (s:Member {id: $sponsor_id})
MATCH (p:Member {id: $parent_id})
WITH v, s, p, p.children + 1 AS children
SET s.referrals = s.referrals + 1, p.children = children,
    p.full_at = CASE WHEN children = 3 THEN v.rotation_runs ELSE p.full_at END,
    v.full_members = v.full_members + CASE WHEN children = 3 THEN 1 ELSE 0 END
CREATE (x:Member {
  id: $id, name: $name, kind: $kind, status: 'CUSTOMER', seq: $seq, created_at: $now,
  landing_slug: $landing_slug, registered_via: $registered_via,
  depth: p.depth + 1, sponsor_depth: s.sponsor_depth + 1, referrals: 0, size: 1, children: 0,
  free_id: $id, free_depth: p.depth + 1, free_seq: $seq
})
CREATE (x)-[:SPONSORED_BY]->(s)
CREATE (x)-[:PLACED_UNDER {slot: $slot}]->(p)
WITH x, p
MATCH (p)-[:PLACED_UNDER*0..100000]->(u:Member)
SET u.size = u.size + 1
WITH x, count(u) AS ancestors
UNWIND $frees AS f
MATCH (m:Member {id: f.id})
SET m.free_id = f.free_id, m.free_depth = f.free_depth, m.free_seq = f.free_seq
RETURN x.id AS id, ancestors, count(m) AS frees_updated
