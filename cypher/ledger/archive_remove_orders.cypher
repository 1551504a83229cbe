// Removes archived orders from the graph by id ($ids: a batch read back from the period's
// orders.parquet; ids already gone are skipped), with their relationships. Returns removed (count).
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})
DETACH DELETE o
RETURN count(*) AS removed
