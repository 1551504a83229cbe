// What booking a batch of registrations checks first: the graph version, the rotation run
// counter, which of member ids $ids exist (taken_ids) and which of landing slugs $slugs are
// taken (taken_slugs). '' is added to both lists so that neither UNWIND is empty (no member id
// or slug is ''). Returns one row.
MATCH (v:Meta {key: 'version'})
UNWIND $ids + [''] AS wanted
OPTIONAL MATCH (m:Member {id: wanted})
WITH v, collect(m.id) AS taken_ids
UNWIND $slugs + [''] AS slug
OPTIONAL MATCH (s:Member {landing_slug: slug})
RETURN v.value AS version, v.rotation_runs AS runs, taken_ids, collect(s.landing_slug) AS taken_slugs
