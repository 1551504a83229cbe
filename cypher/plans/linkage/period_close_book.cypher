// Guarded: books one step of month-close run $run_id: marks step $step done (null: a level
// batch, guarded by its orders' marks), adds $entry_count / $total / $booked / $paid /
// $retained (cents) and the $pool_orders orders whose pools it splits to the run, marks those
// orders (every order of $period or earlier whose pools are open, as period_pool_orders counted
// them at $version; none when $pool_orders is 0) pools_closed and $level_orders (ids)
// level_closed with $period, moves pools ($pools: [{name, balance, set}]) and members' paid
// counters ($members: [{id, paid}]) and creates $entries (graph.ledger.entries.entry_rows).
// Returns entries (created) and pools_marked; no row when the graph changed or the step was done.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (r:PeriodRun {id: $run_id})
WHERE $step IS NULL OR NOT $step IN r.steps
SET r.steps = CASE WHEN $step IS NULL THEN r.steps ELSE r.steps + [$step] END,
    r.entries = r.entries + $entry_count, r.total = r.total + $total,
    r.orders = coalesce(r.orders, 0) + $pool_orders,
    r.booked = coalesce(r.booked, 0) + $booked, r.paid = coalesce(r.paid, 0) + $paid,
    r.retained = coalesce(r.retained, 0) + $retained
WITH DISTINCT v
CALL {
  WITH v
  UNWIND $level_orders AS oid
  MATCH (o:Order {id: oid})
  SET o.level_closed = $period, o.level_open = null
  RETURN count(o) AS level_marked
}
WITH DISTINCT v
// include: ledger/pools
// include: ledger/members
// include: ledger/entries
WITH v, entries
CALL {
  WITH v
  MATCH (o:Order)
  WHERE $pool_orders > 0 AND o.pools_open <= $period
  SET o.pools_closed = $period, o.pools_open = null
  RETURN count(o) AS pools_marked
}
RETURN entries, pools_marked
