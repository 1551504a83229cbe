// What booking a batch of registrations reads of existing members $ids: the fields placement
// keeps on each, its placement parent and slot, its sponsor, its placement children
// (kids: [{slot, id, size, free_id, free_depth, free_seq}]) and its rotation offset r (Meta.rotation_runs - full_at, 0 while not
// full), with the graph's version (a batch refuses rows read after another write moved it).
// One row per known id (graph.network.batch reads the rows).
MATCH (v:Meta {key: 'version'})
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})
OPTIONAL MATCH (m)-[up:PLACED_UNDER]->(p:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (c:Member)-[l:PLACED_UNDER]->(m)
RETURN v.value AS version, m.id AS id, m.kind AS kind, m.depth AS depth, m.sponsor_depth AS sponsor_depth, m.seq AS seq,
       m.referrals AS referrals, coalesce(v.rotation_runs - m.full_at, 0) AS r, m.full_at AS full_at,
       m.children AS children, m.size AS size,
       m.free_id AS free_id, m.free_depth AS free_depth, m.free_seq AS free_seq,
       p.id AS parent_id, up.slot AS own_slot, s.id AS sponsor_id,
       collect(CASE WHEN c IS NULL THEN NULL ELSE
         {slot: l.slot, id: c.id, size: c.size, free_id: c.free_id, free_depth: c.free_depth, free_seq: c.free_seq}
       END) AS kids
