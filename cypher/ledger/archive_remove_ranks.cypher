// Removes archived rank history records from the graph by key ($keys: a batch read back from
// the period's archive file; keys already gone are skipped). Returns removed (count).
// The first line reads one node of the label (a label scan): FalkorDB 4.16 otherwise deletes a
// node without taking it out of the label's matrix when the graph grew past that matrix since
// the label was last read (its issue 2103), and a later scan of the label fails.
OPTIONAL MATCH (synced:RankMonth)
WITH synced
LIMIT 1
UNWIND $keys AS wanted
MATCH (h:RankMonth {key: wanted})
DETACH DELETE h
RETURN count(*) AS removed
