// What claiming landing page $slug for member $id reads: the graph version, whether $id
// exists, and who holds $slug now. Returns one row: version, exists, owner_id (null: free).
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (m:Member {id: $id})
OPTIONAL MATCH (o:Member {landing_slug: $slug})
RETURN v.value AS version, m IS NOT NULL AS exists, o.id AS owner_id
