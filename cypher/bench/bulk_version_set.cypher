// Bulk load, last step: sets the graph's write version to $version (the last seq given out),
// as if every bulk-loaded member had been registered one by one, and the count of full
// members to $full_members (the loader gave them full_at = the rotation run counter). Returns version.
MATCH (v:Meta {key: 'version'})
SET v.value = $version, v.full_members = $full_members
RETURN v.value AS version
