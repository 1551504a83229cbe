// Guarded: the linkage close's level step written to the archive (issue 18): records on period
// run $run_id the close file of $period (graph/ledger/close_file.py: $sha256, $rows entries of
// $cents cents, its member counters booked in batches of $batch members, none booked yet) with
// the run's totals ($rows entries, $booked as its total and $booked / $paid / $retained), moves
// the level pool ($pools, ledger/pools) and marks every order whose level pool is still open for
// $period or earlier level_closed = $period (the orders linkage_close_level_orders read), so that
// a refund from now on reverses the file's entries. Refused when the run has a close file already.
// Returns marked (orders); no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
MATCH (r:PeriodRun {id: $run_id})
WHERE r.close_sha256 IS NULL
SET v.value = $version + 1,
    r.close_sha256 = $sha256, r.close_rows = $rows, r.close_cents = $cents, r.close_batch = $batch,
    r.close_batches = 0, r.entries = r.entries + $rows, r.total = r.total + $booked,
    r.booked = coalesce(r.booked, 0) + $booked, r.paid = coalesce(r.paid, 0) + $paid,
    r.retained = coalesce(r.retained, 0) + $retained
WITH DISTINCT v
// include: ledger/pools
WITH DISTINCT v
CALL {
  WITH v
  MATCH (o:Order)
  WHERE o.level_open <= $period
  SET o.level_closed = $period, o.level_open = null
  RETURN count(o) AS marked
}
RETURN marked
