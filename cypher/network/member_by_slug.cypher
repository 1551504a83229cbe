// The member holding landing page $slug, and the graph version it was read at.
// Returns one row: version, and id (null when no member holds $slug).
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (m:Member {landing_slug: $slug})
RETURN v.value AS version, m.id AS id
