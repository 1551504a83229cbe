// Guarded: finishes order $id that a crash left half-done (recorded by the two statements of
// earlier versions, its effects missing): sets $flags on it and books what its modules add
// ($members, $pools, $holdings, $entries as in order_record). Returns entries; no row when
// the graph changed since $version or the order is not half-done any more.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (o:Order {id: $id})
WHERE o.effects IS NULL
SET o += $flags
WITH DISTINCT v
// include: ledger/pools
// include: ledger/holdings
// include: ledger/members
// include: ledger/entries
RETURN entries
