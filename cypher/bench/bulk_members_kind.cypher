// Bulk load (benches): sets the kind of members $ids to $kind ('PARTNER' / 'CUSTOMER').
// Not guarded: the caller owns the graph. Returns changed.
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})
SET m.kind = $kind
RETURN count(m) AS changed
