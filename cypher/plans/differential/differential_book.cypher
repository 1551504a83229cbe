// Guarded: closes the orders $orders (ids) in $period and books their entries ($entries from
// graph.ledger.entries.entry_rows), the member counters ($members from graph.ledger.entries.member_deltas) and
// the run's totals (period run $run_id: + the orders closed, + size($entries) entries,
// + $paid cents as its total, + $booked / $paid / $retained). Entry ids are deterministic, so booking an order twice is refused.
// Returns entries: the number created; no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
UNWIND $orders AS wanted
MATCH (o:Order {id: wanted})
WHERE o.closed_in IS NULL
SET o.closed_in = $period
WITH v, count(o) AS closed
MATCH (r:PeriodRun {id: $run_id})
SET r.orders = r.orders + closed, r.entries = r.entries + size($entries), r.total = r.total + $paid,
    r.booked = coalesce(r.booked, 0) + $booked, r.paid = coalesce(r.paid, 0) + $paid,
    r.retained = coalesce(r.retained, 0) + $retained
WITH DISTINCT v
// include: ledger/members
// include: ledger/entries
RETURN entries
