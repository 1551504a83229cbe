// Guarded: registers a member without sponsor (a root, e.g. the company account), with its
// landing slug (may be null) and how it was registered ($registered_via).
// Returns id, or no row when the graph changed since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
CREATE (x:Member {
  id: $id, name: $name, kind: $kind, status: 'CUSTOMER', seq: $seq, created_at: $now,
  landing_slug: $landing_slug, registered_via: $registered_via,
  depth: 0, sponsor_depth: 0, referrals: 0, size: 1, children: 0,
  free_id: $id, free_depth: 0, free_seq: $seq
})
RETURN x.id AS id
