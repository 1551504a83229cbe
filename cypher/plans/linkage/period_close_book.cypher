// Guarded: books one step of month-close run $run_id: marks step $step done (null: a level
// batch, guarded by its orders' marks), adds $entry_count / $total (cents) to the run, marks
// orders $pool_orders (pools_closed) and $level_orders (level_closed) with $period, moves
// pools ($pools: [{name, delta, carry_names, carry_amounts}], carry null = unchanged) and
// members' paid counters ($members: [{id, paid}]) and creates $entries (graph.ledger.entry_rows).
// Returns booked (entries created); no row when the graph changed or the step was done.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (r:PeriodRun {id: $run_id})
WHERE $step IS NULL OR NOT $step IN r.steps
SET r.steps = CASE WHEN $step IS NULL THEN r.steps ELSE r.steps + [$step] END,
    r.entries = r.entries + $entry_count, r.total = r.total + $total
FOREACH (oid IN $pool_orders |
  MERGE (o:Order {id: oid})
  SET o.pools_closed = $period, o.pools_open = null)
FOREACH (oid IN $level_orders |
  MERGE (o:Order {id: oid})
  SET o.level_closed = $period, o.level_open = null)
FOREACH (pd IN $pools |
  MERGE (p:Pool {name: pd.name})
  ON CREATE SET p.balance = 0
  SET p.balance = p.balance + pd.delta, p.carry_names = coalesce(pd.carry_names, p.carry_names),
      p.carry_amounts = coalesce(pd.carry_amounts, p.carry_amounts))
WITH DISTINCT v
CALL {
  WITH v
  UNWIND $members AS d
  MATCH (m:Member {id: d.id})
  SET m.paid = coalesce(m.paid, 0) + d.paid
  RETURN count(m) AS moved
}
CALL {
  WITH v
  UNWIND $entries AS e
  CREATE (x:Entry {id: e.id, seq: e.seq, rule: e.rule, status: e.status, amount: e.amount,
                   explanation: e.explanation, beneficiary_id: e.beneficiary_id, pool: e.pool,
                   order_id: e.order_id, period: e.period, at: e.at, plan_version: e.plan_version})
  WITH x, e
  OPTIONAL MATCH (m:Member {id: e.beneficiary_id})
  FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (x)-[:TO]->(m))
  RETURN count(x) AS booked
}
RETURN booked
