// One page of a snapshot: every member with $lo <= seq < $hi (Member.seq is indexed), as ONE
// string per member (one value per row parses ~10x faster in the Python client than 17):
// 'id|status|kind|seq|depth|sponsor_depth|r|size|paid|frozen|burned|released|created_at|sponsor_id|parent_id|slot|name'
// (money counters in integer cents, 0 when never set; created_at in epoch ms; sponsor_id,
// parent_id and slot empty at a root). Member ids and the enums hold no '|'; the name comes
// last, so it may. graph/analytics/snapshot.py reads it.
MATCH (v:Meta {key: 'version'})
MATCH (m:Member)
WHERE m.seq >= $lo AND m.seq < $hi
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
RETURN m.id + '|' + coalesce(m.status, '') + '|' + coalesce(m.kind, '') + '|' + toString(m.seq) + '|' +
       toString(coalesce(m.depth, 0)) + '|' + toString(coalesce(m.sponsor_depth, 0)) + '|' +
       toString(coalesce(v.rotation_runs - m.full_at, 0)) + '|' + toString(coalesce(m.size, 1)) + '|' +
       toString(coalesce(m.paid, 0)) + '|' + toString(coalesce(m.frozen, 0)) + '|' +
       toString(coalesce(m.burned, 0)) + '|' + toString(coalesce(m.released, 0)) + '|' +
       toString(coalesce(m.created_at, 0)) + '|' +
       coalesce(s.id, '') + '|' + coalesce(p.id, '') + '|' + coalesce(toString(l.slot), '') + '|' +
       coalesce(m.name, '') AS member
