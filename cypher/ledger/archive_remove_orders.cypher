// Removes archived orders from the graph by id ($ids: a batch read back from the period's
// orders.parquet; ids already gone are skipped), with their relationships. Returns removed (count).
// The first line reads one node of the label (a label scan): FalkorDB 4.16 otherwise deletes a
// node without taking it out of the label's matrix when the graph grew past that matrix since
// the label was last read (its issue 2103), and a later scan of the label fails.
OPTIONAL MATCH (synced:Order)
WITH synced
LIMIT 1
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})
DETACH DELETE o
RETURN count(*) AS removed
