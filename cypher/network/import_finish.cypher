// The import's last write: bumps the graph's version once more, so that an operation that
// read the graph while the import's batches were written reads again. Returns version.
MATCH (v:Meta {key: 'version'})
SET v.value = v.value + 1
RETURN v.value AS version
