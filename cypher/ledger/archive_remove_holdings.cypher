// Removes archived holdings from the graph by id ($ids: a batch read back from the period's
// holdings.parquet; ids already gone are skipped). Returns removed (count). The first line reads
// one node of the label (FalkorDB issue 2103, see archive_remove_orders).
OPTIONAL MATCH (synced:Holding)
WITH synced
LIMIT 1
UNWIND $ids AS wanted
MATCH (h:Holding {id: wanted})
DETACH DELETE h
RETURN count(*) AS removed
