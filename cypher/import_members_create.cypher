// Import, first step: creates members as registration stores them, from $rows: [{id, name,
// kind, seq, created_at (the registration time of the old system, epoch ms), depth,
// sponsor_depth, referrals, size, children, free_id, free_depth, free_seq, landing_slug (may
// be null)}] (r = 0, status CUSTOMER, registered_via 'import'). Returns created.
UNWIND $rows AS row
CREATE (x:Member {
  id: row.id, name: row.name, kind: row.kind, status: 'CUSTOMER', seq: row.seq, created_at: row.created_at,
  depth: row.depth, sponsor_depth: row.sponsor_depth, r: 0, referrals: row.referrals, size: row.size,
  children: row.children, free_id: row.free_id, free_depth: row.free_depth, free_seq: row.free_seq,
  landing_slug: row.landing_slug, registered_via: 'import'
})
RETURN count(x) AS created
