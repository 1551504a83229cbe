// Import: books a batch of opening balances with the one ledger writer: the `opening_balance`
// entries $entries (`opening:<member>#0` PAID, carrying `quota_used` and `points`; `#1`
// FROZEN) and the counters they move, $members [{id, paid, frozen, quota_used, points}]
// (deltas). Not guarded: the import claimed the graph (import_claim).
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
// Returns entries.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH DISTINCT v
// include: ledger/members
// include: ledger/entries
RETURN entries
