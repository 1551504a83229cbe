// Removes archived refunds from the graph by id ($ids: a batch read back from the period's
// refunds.parquet; ids already gone are skipped), with their relationships. Returns removed (count).
// The first line reads one node of the label (a label scan): FalkorDB 4.16 otherwise deletes a
// node without taking it out of the label's matrix when the graph grew past that matrix since
// the label was last read (its issue 2103), and a later scan of the label fails.
OPTIONAL MATCH (synced:Refund)
WITH synced
LIMIT 1
UNWIND $ids AS wanted
MATCH (r:Refund {id: wanted})
DETACH DELETE r
RETURN count(*) AS removed
