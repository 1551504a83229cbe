// Guarded: books one batch of the linkage close's level step (run $run_id): marks the orders of
// $orders (ids) level_closed = $period (no longer level_open) and books their entries ($entries,
// rows of graph.ledger.entries.entry_rows), moves the level pool
// ($pools) and the beneficiaries' counters (ledger/members_paid: $members), and adds
// $entry_count entries, $booked as its total and $booked / $paid / $retained to the run.
// Returns entries (created); no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (r:PeriodRun {id: $run_id})
SET r.entries = r.entries + $entry_count, r.total = r.total + $booked,
    r.booked = coalesce(r.booked, 0) + $booked, r.paid = coalesce(r.paid, 0) + $paid,
    r.retained = coalesce(r.retained, 0) + $retained
WITH DISTINCT v
// include: ledger/pools
// include: ledger/members_paid
CALL {
  WITH v
  UNWIND $orders AS wanted
  MATCH (o:Order {id: wanted})
  WHERE o.level_open IS NOT NULL
  SET o.level_closed = $period, o.level_open = null
  RETURN count(o) AS marked
}
// include: ledger/entries
RETURN entries
