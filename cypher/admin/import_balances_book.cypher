// Import: books a batch of opening balances with the one ledger writer: the `opening_balance`
// entries $entries (`opening:<member>#0` PAID, carrying `quota_used` and `points`; `#1`
// FROZEN) and the counters they move, $members [{id, paid, frozen, quota_used, points}]
// (deltas). Not guarded: the import claimed the graph (import_claim). Returns entries.
MATCH (v:Meta {key: 'version'})
WITH DISTINCT v
// include: ledger/members
// include: ledger/entries
RETURN entries
