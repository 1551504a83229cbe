// Removes archived refunds from the graph by id ($ids: a batch read back from the period's
// refunds.parquet; ids already gone are skipped), with their relationships. Returns removed (count).
UNWIND $ids AS wanted
MATCH (r:Refund {id: wanted})
DETACH DELETE r
RETURN count(*) AS removed
