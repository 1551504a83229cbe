// The differential close's read of the sponsor tree (graph/plans/differential/close.py): every
// member's id, kind (PARTNER / CUSTOMER) and sponsor, as one row of aligned lists (the client
// reads lists of scalars several times faster than rows; each value sent costs ~2 µs, so kind
// and sponsor travel as one text: a kind holds no space). Returns ids, and kinds_sponsors
// ('<kind> <sponsor id>', '' for no kind and for a root).
MATCH (m:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN collect(m.id) AS ids, collect(coalesce(m.kind, '') + ' ' + coalesce(s.id, '')) AS kinds_sponsors
