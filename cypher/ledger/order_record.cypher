// Guarded: records order $id (amount in cents, at in epoch ms, period 'YYYY-MM') bought by
// $buyer_id, optionally referred by $referrer_id (looked up as $referrer_key, '' for none: a
// null key makes FalkorDB scan every member), with everything the plan's modules book for it
// (graph.ledger.orders.record_order): order properties $flags (e.g. settle, effects), member
// counters $members, pools $pools, holdings $holdings and entries $entries — all or nothing.
// Returns entries (created); no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (b:Member {id: $buyer_id})
CREATE (o:Order {id: $id, buyer_id: $buyer_id, amount: $amount, referrer_id: $referrer_id, at: $at,
                 period: $period, plan_version: $plan_version})
SET o += $flags
CREATE (o)-[:BOUGHT_BY]->(b)
WITH v, o
OPTIONAL MATCH (ref:Member {id: $referrer_key})
FOREACH (_ IN CASE WHEN ref IS NULL THEN [] ELSE [1] END | CREATE (o)-[:REFERRED_BY]->(ref))
WITH DISTINCT v
// include: ledger/pools
// include: ledger/holdings
// include: ledger/members
// include: ledger/entries
RETURN entries
