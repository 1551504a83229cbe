// Removes archived entries from the graph by id ($ids: a batch read back from the period's
// archive file; ids already gone are skipped). Returns removed (count).
UNWIND $ids AS wanted
MATCH (e:Entry {id: wanted})
DETACH DELETE e
RETURN count(*) AS removed
