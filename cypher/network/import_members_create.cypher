// Import, first step: creates members as registration stores them, from $rows: [{id, name,
// kind, seq, created_at (the registration time of the old system, epoch ms), depth,
// sponsor_depth, referrals, size, children, free_id, free_depth, free_seq, landing_slug}]
// (r = 0, status CUSTOMER, registered_via 'import'). A row leaves out what a leaf has:
// kind PARTNER, referrals 0, size 1, children 0, itself as its first free position, no slug.
// Returns created.
UNWIND $rows AS row
CREATE (x:Member {
  id: row.id, name: row.name, kind: coalesce(row.kind, 'PARTNER'), status: 'CUSTOMER', seq: row.seq,
  created_at: row.created_at, depth: row.depth, sponsor_depth: row.sponsor_depth, r: 0,
  referrals: coalesce(row.referrals, 0), size: coalesce(row.size, 1), children: coalesce(row.children, 0),
  free_id: coalesce(row.free_id, row.id), free_depth: coalesce(row.free_depth, row.depth),
  free_seq: coalesce(row.free_seq, row.seq), landing_slug: row.landing_slug, registered_via: 'import'
})
RETURN count(x) AS created
