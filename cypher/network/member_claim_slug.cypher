// Guarded: gives member $id the landing page $slug (replacing its previous slug, if any).
// Returns id, or no row when the graph changed since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (m:Member {id: $id})
SET m.landing_slug = $slug
RETURN m.id AS id
