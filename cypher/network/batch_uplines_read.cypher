// What booking a batch of registrations reads of the placement paths of members $ids: every
// member on them (each of $ids and all its placement ancestors), once, with the same columns as
// batch_members_read: the placement fields, parent and slot, sponsor, children
// (kids: [{slot, id}]) and rotation offset r (Meta.rotation_runs - full_at, 0 while not full).
MATCH (v:Meta {key: 'version'})
UNWIND $ids AS wanted
MATCH (:Member {id: wanted})-[:PLACED_UNDER*0..100000]->(m:Member)
WITH DISTINCT v, m
OPTIONAL MATCH (m)-[up:PLACED_UNDER]->(p:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (c:Member)-[l:PLACED_UNDER]->(m)
RETURN m.id AS id, m.kind AS kind, m.depth AS depth, m.sponsor_depth AS sponsor_depth, m.seq AS seq,
       m.referrals AS referrals, coalesce(v.rotation_runs - m.full_at, 0) AS r, m.full_at AS full_at,
       m.children AS children, m.size AS size,
       m.free_id AS free_id, m.free_depth AS free_depth, m.free_seq AS free_seq,
       p.id AS parent_id, up.slot AS own_slot, s.id AS sponsor_id,
       collect(CASE WHEN c IS NULL THEN NULL ELSE {slot: l.slot, id: c.id} END) AS kids
