// Guarded: the import's first write. Claims the registration numbers (`seq`) of its new
// members by setting the graph's version to $reserved (the last of them), or returns no row
// when the graph changed since $version was read (the import then reads and computes again).
// Returns version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $reserved
RETURN v.value AS version
