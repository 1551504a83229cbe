// Import, first step: creates members as registration stores them, from $rows: [{id, name,
// kind, seq, created_at (the registration time of the old system, epoch ms), depth,
// sponsor_depth, referrals, size, children, free_id, free_depth, free_seq, landing_slug}]
// (registered_via 'import'; a member full after the import gets its full_at in import_finish). A row leaves out what a leaf has: kind PARTNER,
// referrals 0, size 1, children 0, itself as its first free position, no slug. A member with
// historical orders also has the counters of import_orders_create_counted (packages, quota,
// agent_referrals, team_orders, team_sales, shares_milli, status, identity); left out = absent.
// Returns created.
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH v
UNWIND $rows AS row
CREATE (x:Member {
  id: row.id, name: row.name, kind: coalesce(row.kind, 'PARTNER'), status: coalesce(row.status, 'CUSTOMER'),
  seq: row.seq, created_at: row.created_at, depth: row.depth, sponsor_depth: row.sponsor_depth,
  referrals: coalesce(row.referrals, 0), size: coalesce(row.size, 1), children: coalesce(row.children, 0),
  free_id: coalesce(row.free_id, row.id), free_depth: coalesce(row.free_depth, row.depth),
  free_seq: coalesce(row.free_seq, row.seq), landing_slug: row.landing_slug, registered_via: 'import',
  packages: row.packages, quota: row.quota, agent_referrals: row.agent_referrals, team_orders: row.team_orders,
  team_sales: row.team_sales, shares_milli: row.shares_milli, identity: row.identity
})
RETURN count(x) AS created
