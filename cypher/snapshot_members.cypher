// One page of a snapshot: every member with $lo <= seq < $hi (Member.seq is indexed), with what
// exports and reports need: status, kind, depths, rotation r, subtree size, money counters in
// integer cents (0 when never set), registration time (epoch ms), its sponsor's id and its
// placement parent's id and slot (null at a root).
MATCH (m:Member)
WHERE m.seq >= $lo AND m.seq < $hi
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
RETURN m.id AS id, m.name AS name, m.status AS status, m.kind AS kind, m.seq AS seq,
       m.depth AS depth, m.sponsor_depth AS sponsor_depth, m.r AS r, m.size AS size,
       coalesce(m.paid, 0) AS paid, coalesce(m.frozen, 0) AS frozen, coalesce(m.burned, 0) AS burned,
       m.created_at AS created_at, s.id AS sponsor_id, p.id AS parent_id, l.slot AS slot
