// Guarded: books what a member's own operation changes — a points sale with the forced exits
// it causes (rules §5), a withdrawal with its frozen fund and release (§6): member counters
// $members, pools $pools, holdings $holdings and entries $entries (graph.ledger.drafts.Changes).
// Returns entries (created); no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH DISTINCT v
// include: ledger/pools
// include: ledger/holdings
// include: ledger/members
// include: ledger/entries
RETURN entries
