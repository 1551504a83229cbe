// The import's last write: every member that the import filled (three placement children and
// no full_at yet) becomes full now, at the current rotation-run counter (offset r = 0, like a
// registration that fills a third slot), and is counted in Meta.full_members; then the graph's
// version moves once more, so that an operation that read the graph while the import's batches
// were written reads again. Returns version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
OPTIONAL MATCH (m:Member)
WHERE m.children = 3 AND m.full_at IS NULL
SET m.full_at = coalesce(v.rotation_runs, 0)
WITH v, count(m) AS newly_full
SET v.full_members = coalesce(v.full_members, 0) + newly_full, v.value = v.value + 1
RETURN v.value AS version
