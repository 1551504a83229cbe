// Guarded: closes period $period of family $family_id (under plan version $plan_version): creates its FamilyPeriodRun $key
// (with $count entries and $total cents) and books $entries (graph.ledger.entry_rows: the
// leader's commission), adding $deltas [{id, paid, frozen, burned}] to member counters.
// Returns entries: the number booked (0 when the graph changed since $version; $entries is
// never empty here, see period_close_empty).
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (f:Family {id: $family_id})
CREATE (run:FamilyPeriodRun {key: $key, family_id: $family_id, period: $period, at: $now, plan_version: $plan_version,
                             entries: $count, total: $total})
CREATE (run)-[:FOR]->(f)
WITH DISTINCT 1 AS one
UNWIND $deltas AS d
MATCH (m:Member {id: d.id})
SET m.paid = coalesce(m.paid, 0) + d.paid, m.frozen = coalesce(m.frozen, 0) + d.frozen,
    m.burned = coalesce(m.burned, 0) + d.burned
WITH DISTINCT 1 AS one
UNWIND $entries AS e
CREATE (x:Entry {id: e.id, seq: e.seq, rule: e.rule, status: e.status, amount: e.amount,
                 explanation: e.explanation, beneficiary_id: e.beneficiary_id, pool: e.pool,
                 order_id: e.order_id, period: e.period, at: e.at, plan_version: e.plan_version})
WITH x, e
OPTIONAL MATCH (m:Member {id: e.beneficiary_id})
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (x)-[:TO]->(m))
WITH x, e
OPTIONAL MATCH (o:Order {id: e.order_id})
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (x)-[:FOR_ORDER]->(o))
RETURN count(x) AS entries
