// Guarded: records on period run $run_id the close file of $period (graph/ledger/close_file.py:
// $sha256, $rows entries of $cents cents, its member counters booked in batches of $batch
// members, none booked yet) with the run's totals ($orders orders, $rows entries, $paid as its
// total and $booked / $paid / $retained), and closes the month's open orders in the same
// statement (closed_in = $period: the orders of the month not closed yet and settling in it,
// and the late orders of earlier months recorded for this close; differential_close_orders
// reads them so), so that a refund from now on reverses the file's entries. Refused when the
// run has a close file already.
// Returns marked (orders closed); no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
MATCH (r:PeriodRun {id: $run_id})
WHERE r.close_sha256 IS NULL
SET v.value = $version + 1,
    r.close_sha256 = $sha256, r.close_rows = $rows, r.close_cents = $cents, r.close_batch = $batch,
    r.close_batches = 0, r.entries = r.entries + $rows, r.total = r.total + $paid,
    r.booked = coalesce(r.booked, 0) + $booked, r.paid = coalesce(r.paid, 0) + $paid,
    r.retained = coalesce(r.retained, 0) + $retained, r.orders = r.orders + $orders
WITH r
CALL {
  WITH r
  MATCH (o:Order {period: $period})
  WHERE o.settle = 'differential' AND o.closed_in IS NULL
    AND (o.settle_in IS NULL OR o.settle_in = '' OR o.settle_in = $period)
  SET o.closed_in = $period
  RETURN count(o) AS month
}
CALL {
  WITH r
  MATCH (o:Order {settle_in: $period})
  WHERE o.settle = 'differential' AND o.closed_in IS NULL AND o.period <> $period
  SET o.closed_in = $period
  RETURN count(o) AS late
}
RETURN month + late AS marked
