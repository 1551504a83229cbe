// Guarded: registers a member without sponsor (a root, e.g. the company account).
// Returns id, or no row when the graph changed since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
CREATE (x:Member {
  id: $id, name: $name, kind: $kind, status: 'CUSTOMER', seq: $seq, created_at: $now,
  depth: 0, sponsor_depth: 0, r: 0, referrals: 0, size: 1, children: 0,
  free_id: $id, free_depth: 0, free_seq: $seq
})
RETURN x.id AS id
