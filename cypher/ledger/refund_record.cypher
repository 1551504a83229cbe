// Guarded: books refund $id of $amount cents of order $order_id ($reason, at $at epoch ms, month
// $period, under plan $plan_version): the Refund node and the order's `refunded` counter (an
// order moved to the archive has no node: what was refunded of it is the sum of its refunds), with
// everything the refund takes back (graph.ledger.refunds.refund_order): its reversal entries
// $entries (with reverses and refund_id), member counters $members, pools $pools (balances
// lowered, the points price, the dividend carry-over) and holdings $holdings.
// Returns entries (created); no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
CREATE (r:Refund {id: $id, order_id: $order_id, amount: $amount, reason: $reason, at: $at, period: $period,
                  plan_version: $plan_version, entries: size($entries)})
WITH v, r
OPTIONAL MATCH (o:Order {id: $order_id})
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END |
  SET o.refunded = coalesce(o.refunded, 0) + $amount
  CREATE (r)-[:REFUNDS]->(o))
WITH DISTINCT v
// include: ledger/pools
// include: ledger/holdings
// include: ledger/members
// include: ledger/entries
RETURN entries
