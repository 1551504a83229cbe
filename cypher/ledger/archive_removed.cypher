// Marks archived period $period as gone from the graph (every entry of its file removed).
// Returns hot: entries of the period still in the graph (0 expected).
MATCH (a:ArchivedPeriod {period: $period})
SET a.removed = true
WITH a
OPTIONAL MATCH (e:Entry {period: $period})
RETURN count(e) AS hot
