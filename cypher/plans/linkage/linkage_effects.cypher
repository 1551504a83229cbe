// Guarded: books what an order (after its allocation), a points sale or a withdrawal changes
// (rules §5, §6). $order_id: the order whose effects these are (its `effects` flag is set;
// no row when already set; `pools_open` / `level_open` = its period until a month close
// splits its pool shares) or null. $market: null, or the points pool's new state
// {balance, market (deltas, cents), units, last_num, last_den, holdings (new count)}.
// $holdings: [{id, member_id, order_id, amount, units, sold, seq, active, cap_key}] to store
// (cap_key null once inactive; `issued` keeps the units first stored: what the purchase issued). $members: [{id, points, paid, withdrawn, frozen, team_orders,
// team_sales, shares_milli, released (deltas), identity (null = unchanged), fund_released (null = unchanged)}].
// $entries: rows of graph.ledger.entry_rows with `points` (units, or null).
// Returns moved (members updated) and booked (entries created); no row when the graph changed.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
OPTIONAL MATCH (o:Order {id: $order_id})
WITH v, o
WHERE $order_id IS NULL OR (o IS NOT NULL AND o.effects IS NULL)
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END |
  SET o.effects = true, o.pools_open = o.period, o.level_open = o.period)
FOREACH (mk IN CASE WHEN $market IS NULL THEN [] ELSE [$market] END |
  MERGE (p:Pool {name: 'points'})
  ON CREATE SET p.balance = 0
  SET p.balance = p.balance + mk.balance, p.market = coalesce(p.market, 0) + mk.market,
      p.units = mk.units, p.last_num = mk.last_num, p.last_den = mk.last_den, p.holdings = mk.holdings)
FOREACH (h IN $holdings |
  MERGE (x:Holding {id: h.id})
  SET x.member_id = h.member_id, x.order_id = h.order_id, x.amount = h.amount, x.units = h.units,
      x.issued = coalesce(x.issued, h.units),
      x.sold = h.sold, x.seq = h.seq, x.active = h.active, x.cap_key = h.cap_key)
WITH DISTINCT v
CALL {
  WITH v
  UNWIND $members AS d
  MATCH (m:Member {id: d.id})
  SET m.points = coalesce(m.points, 0) + d.points, m.paid = coalesce(m.paid, 0) + d.paid,
      m.withdrawn = coalesce(m.withdrawn, 0) + d.withdrawn, m.frozen = coalesce(m.frozen, 0) + d.frozen,
      m.team_orders = coalesce(m.team_orders, 0) + d.team_orders,
      m.team_sales = coalesce(m.team_sales, 0) + d.team_sales,
      m.shares_milli = coalesce(m.shares_milli, 0) + d.shares_milli,
      m.identity = coalesce(d.identity, m.identity),
      m.fund_released = coalesce(d.fund_released, m.fund_released),
      m.released = coalesce(m.released, 0) + d.released
  RETURN count(m) AS moved
}
CALL {
  WITH v
  UNWIND $entries AS e
  CREATE (x:Entry {id: e.id, seq: e.seq, rule: e.rule, status: e.status, amount: e.amount,
                   explanation: e.explanation, beneficiary_id: e.beneficiary_id, pool: e.pool,
                   order_id: e.order_id, period: e.period, at: e.at, plan_version: e.plan_version,
                   points: e.points})
  WITH x, e
  OPTIONAL MATCH (m:Member {id: e.beneficiary_id})
  FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (x)-[:TO]->(m))
  RETURN count(x) AS booked
}
RETURN moved, booked
