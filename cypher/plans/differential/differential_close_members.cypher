// The differential close's read of the sponsor tree (graph/plans/differential/close.py): every
// member's id, kind (PARTNER / CUSTOMER) and sponsor, as one row of aligned lists (the client
// reads lists of scalars several times faster than rows; collect() drops nulls, hence '' for none).
// Returns ids, kinds ('' for none), sponsor_ids ('' for a root).
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN collect(m.id) AS ids, collect(coalesce(m.kind, '')) AS kinds, collect(coalesce(s.id, '')) AS sponsor_ids
