// Guarded: closes the orders $orders (ids) in $period and books their entries ($entries from
// graph.ledger.entry_rows), the member counters ($deltas from graph.ledger.member_deltas) and
// the run's totals (period run $run_id: + the orders closed, + size($entries) entries,
// + $paid cents). Entry ids are deterministic, so booking an order twice is refused.
// Lookups use '' for a null key (a null key would make FalkorDB scan every member).
// Returns entries: the number created (0 also when the graph changed since $version).
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
SET r.orders = r.orders + closed, r.entries = r.entries + size($entries), r.total = r.total + $paid
WITH v
UNWIND CASE WHEN size($deltas) = 0 THEN [null] ELSE $deltas END AS d
OPTIONAL MATCH (m:Member {id: coalesce(d.id, '')})
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END |
  SET m.paid = coalesce(m.paid, 0) + d.paid, m.frozen = coalesce(m.frozen, 0) + d.frozen,
      m.burned = coalesce(m.burned, 0) + d.burned, m.withdrawn = coalesce(m.withdrawn, 0))
WITH DISTINCT 1 AS one
UNWIND $entries AS e
CREATE (x:Entry {id: e.id, seq: e.seq, rule: e.rule, status: e.status, amount: e.amount,
                 explanation: e.explanation, beneficiary_id: e.beneficiary_id, pool: e.pool,
                 order_id: e.order_id, period: e.period, at: e.at, plan_version: e.plan_version})
WITH x, e
OPTIONAL MATCH (m:Member {id: coalesce(e.beneficiary_id, '')})
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (x)-[:TO]->(m))
WITH x, e
OPTIONAL MATCH (o:Order {id: e.order_id})
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (x)-[:FOR_ORDER]->(o))
RETURN count(x) AS entries
