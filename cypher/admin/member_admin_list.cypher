// Members in registration order (seq) after $after (a seq; -1 for the start), at most $limit:
// those whose id or name contains $search (lowercase; '' for all), of kind $kind and status
// $status ('' for any). Returns the fields of graph.members.MemberRecord (r derived from the rotation-run counter).
MATCH (m:Member)
WHERE m.seq > $after
  AND ($search = '' OR toLower(m.id) CONTAINS $search OR toLower(m.name) CONTAINS $search)
  AND ($kind = '' OR m.kind = $kind)
  AND ($status = '' OR m.status = $status)
WITH m
ORDER BY m.seq
LIMIT $limit
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
RETURN m.id AS id, m.name AS name, m.kind AS kind, m.status AS status, m.seq AS seq,
       coalesce(v.rotation_runs - m.full_at, 0) AS r, m.depth AS depth,
       m.size AS size, m.referrals AS referrals, m.created_at AS created_at, s.id AS sponsor_id,
       p.id AS parent_id, l.slot AS slot, m.landing_slug AS landing_slug, m.rank AS rank
ORDER BY seq
