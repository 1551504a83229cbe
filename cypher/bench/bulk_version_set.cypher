// Bulk load, last step: sets the graph's write version to $version (the last seq given out),
// as if every bulk-loaded member had been registered one by one. Returns version.
MATCH (v:Meta {key: 'version'})
SET v.value = $version
RETURN v.value AS version
