// The graph's write version. Returns version.
//
// Every guarded write statement (see graph/store/store.py, WriteGuard) starts with:
//   MATCH (v:Meta {key: 'version'})
//   SET v.lock = true              -- Neo4j: take the node's write lock before reading it
//   WITH v
//   WHERE v.value = $version
//   SET v.value = $version + 1
// and so matches no row when anything changed the graph since $version was read.
MATCH (v:Meta {key: 'version'})
RETURN v.value AS version
