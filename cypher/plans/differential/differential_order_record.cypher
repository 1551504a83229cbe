// Guarded: records order $id (amount in cents, at in epoch ms, period 'YYYY-MM') bought by
// $buyer_id, optionally referred across structures by $referrer_id (looked up as $referrer_key,
// '' for none: a null key makes FalkorDB scan every member), without booking anything:
// its bonuses are booked when its month is closed (settle = 'differential', graph/plans/differential/close.py).
// Returns id, or no row when the graph changed since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (b:Member {id: $buyer_id})
CREATE (o:Order {id: $id, buyer_id: $buyer_id, amount: $amount, referrer_id: $referrer_id, at: $at,
                 period: $period, plan_version: $plan_version, settle: 'differential'})
CREATE (o)-[:BOUGHT_BY]->(b)
WITH o
OPTIONAL MATCH (ref:Member {id: $referrer_key})
FOREACH (_ IN CASE WHEN ref IS NULL THEN [] ELSE [1] END | CREATE (o)-[:REFERRED_BY]->(ref))
RETURN o.id AS id
