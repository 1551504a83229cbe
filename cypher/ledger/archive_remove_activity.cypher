// Removes archived activity events from the graph by key ($ids: a batch of keys read back from
// the period's activity.parquet; keys already gone are skipped), with their relationships.
// Returns removed (count). The first line reads one node of the label (FalkorDB issue 2103, see
// archive_remove_orders).
OPTIONAL MATCH (synced:Activity)
WITH synced
LIMIT 1
UNWIND $ids AS wanted
MATCH (a:Activity {key: wanted})
DETACH DELETE a
RETURN count(*) AS removed
