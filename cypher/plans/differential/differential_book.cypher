// Guarded: closes the orders $orders (ids) in $period and books their entries ($entries, rows of
// graph.ledger.entries.entry_rows), moves the beneficiaries' counters (ledger/members_paid:
// $members) and adds to period run $run_id size($orders) orders,
// $entry_count entries, $paid as its total and $booked / $paid / $retained. Entry ids are
// deterministic, so booking an order twice is refused.
// Returns entries: the number created; no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (r:PeriodRun {id: $run_id})
SET r.entries = r.entries + $entry_count, r.total = r.total + $paid,
    r.booked = coalesce(r.booked, 0) + $booked, r.paid = coalesce(r.paid, 0) + $paid,
    r.retained = coalesce(r.retained, 0) + $retained, r.orders = r.orders + size($orders)
// include: ledger/members_paid
CALL {
  WITH v
  UNWIND $orders AS wanted
  MATCH (o:Order {id: wanted})
  WHERE o.closed_in IS NULL
  SET o.closed_in = $period
  RETURN count(o) AS closed
}
// include: ledger/entries
RETURN entries
