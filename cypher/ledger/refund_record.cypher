// Guarded: books refund $id of $amount cents of order $order_id ($reason, at $at epoch ms, month
// $period, under plan $plan_version): the Refund node, the order's `refunded` counter, the
// pools it lowers ($pools: [{name, amount}], amounts negative), the member counters it moves
// ($members: [{id, paid, frozen, burned, quota_used, points, team_sales}], deltas in cents and points
// ten-thousandths; never empty), the points it takes back ($holding: null or the order's
// holding {id, units, active, cap_key}; $market: null or {market (delta of F, cents), units,
// last_num, last_den}), the
// dividend pool's carry-over it lowers ($carry: null or {name, names, amounts}) and its
// reversal entries ($entries from graph.ledger.entry_rows plus reverses and refund_id).
// Returns entries: the number of entries created (0 when the graph changed since $version).
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (o:Order {id: $order_id})
SET o.refunded = coalesce(o.refunded, 0) + $amount
CREATE (r:Refund {id: $id, order_id: $order_id, amount: $amount, reason: $reason, at: $at, period: $period,
                  plan_version: $plan_version, entries: size($entries)})
CREATE (r)-[:REFUNDS]->(o)
WITH DISTINCT r
FOREACH (pd IN $pools |
  MERGE (p:Pool {name: pd.name})
  ON CREATE SET p.balance = 0
  SET p.balance = p.balance + pd.amount)
FOREACH (h IN CASE WHEN $holding IS NULL THEN [] ELSE [$holding] END |
  MERGE (x:Holding {id: h.id})
  SET x.units = h.units, x.active = h.active, x.cap_key = h.cap_key)
FOREACH (mk IN CASE WHEN $market IS NULL THEN [] ELSE [$market] END |
  MERGE (p:Pool {name: 'points'})
  SET p.market = coalesce(p.market, 0) + mk.market, p.units = mk.units, p.last_num = mk.last_num,
      p.last_den = mk.last_den)
FOREACH (c IN CASE WHEN $carry IS NULL THEN [] ELSE [$carry] END |
  MERGE (p:Pool {name: c.name})
  SET p.carry_names = c.names, p.carry_amounts = c.amounts)
WITH DISTINCT r
UNWIND $members AS d
MATCH (m:Member {id: d.id})
SET m.paid = coalesce(m.paid, 0) + d.paid,
    m.frozen = coalesce(m.frozen, 0) + d.frozen,
    m.burned = coalesce(m.burned, 0) + d.burned,
    m.quota_used = coalesce(m.quota_used, 0) + d.quota_used,
    m.points = coalesce(m.points, 0) + d.points,
    m.team_sales = coalesce(m.team_sales, 0) + d.team_sales
WITH DISTINCT 1 AS one
UNWIND $entries AS e
CREATE (x:Entry {id: e.id, seq: e.seq, rule: e.rule, status: e.status, amount: e.amount,
                 explanation: e.explanation, beneficiary_id: e.beneficiary_id, pool: e.pool,
                 order_id: e.order_id, period: e.period, at: e.at, plan_version: e.plan_version,
                 reverses: e.reverses, refund_id: e.refund_id})
WITH x, e
OPTIONAL MATCH (m:Member {id: coalesce(e.beneficiary_id, '')})
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (x)-[:TO]->(m))
WITH x, e
OPTIONAL MATCH (o:Order {id: coalesce(e.order_id, '')})
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (x)-[:FOR_ORDER]->(o))
RETURN count(x) AS entries
