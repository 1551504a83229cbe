// Removes archived rank history records from the graph by key ($keys: a batch read back from
// the period's archive file; keys already gone are skipped). Returns removed (count).
UNWIND $keys AS wanted
MATCH (h:RankMonth {key: wanted})
DETACH DELETE h
RETURN count(*) AS removed
