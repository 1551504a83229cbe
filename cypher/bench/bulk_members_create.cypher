// Bulk load (benches, imports into an empty graph): creates members exactly as registration
// stores them, from $rows: [{id, name, kind, seq, created_at, depth, sponsor_depth, referrals,
// size, children, free_id, free_depth, free_seq, full_at}] (full_at: the rotation run counter
// when the member became full, null while not full; status CUSTOMER, registered_via 'company',
// no landing slug). Not guarded: the caller owns the graph. Returns created: the
// number of members created.
UNWIND $rows AS row
CREATE (x:Member {
  id: row.id, name: row.name, kind: row.kind, status: 'CUSTOMER', seq: row.seq, created_at: row.created_at,
  depth: row.depth, sponsor_depth: row.sponsor_depth, full_at: row.full_at, referrals: row.referrals, size: row.size,
  children: row.children, free_id: row.free_id, free_depth: row.free_depth, free_seq: row.free_seq,
  registered_via: 'company'
})
RETURN count(x) AS created
