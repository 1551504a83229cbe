// Members by id, for DataLoaders: one row per known id with the member's stored fields and
// its sponsor's and placement parent's ids and its slot; r is its rotation offset
// (Meta.rotation_runs - full_at, 0 while not full).
MATCH (v:Meta {key: 'version'})
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
RETURN m.id AS id, m.name AS name, m.kind AS kind, m.status AS status, m.seq AS seq,
       coalesce(v.rotation_runs - m.full_at, 0) AS r, m.depth AS depth, m.size AS size, m.referrals AS referrals,
       m.landing_slug AS landing_slug, m.rank AS rank, m.created_at AS created_at,
       s.id AS sponsor_id, p.id AS parent_id, l.slot AS slot
