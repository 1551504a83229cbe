// Guarded: records order $id (amount in cents, at in epoch ms, period 'YYYY-MM') bought by
// $buyer_id, optionally referred by $referrer_id (looked up as $referrer_key, '' for none: a
// null key makes FalkorDB scan every member), with all its ledger entries ($entries from
// graph.ledger.entry_rows), the member counters it moves ($members: [{id, packages, quota,
// quota_used, agent_referrals, paid, frozen, burned, status}], deltas in cents, status null =
// unchanged; never empty: the buyer is always in it) and the pools it fills ($pools: [{name, amount}]).
// Returns entries: the number of entries created (0 when the graph changed since $version).
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (b:Member {id: $buyer_id})
CREATE (o:Order {id: $id, buyer_id: $buyer_id, amount: $amount, referrer_id: $referrer_id, at: $at,
                 period: $period, plan_version: $plan_version})
CREATE (o)-[:BOUGHT_BY]->(b)
WITH o
OPTIONAL MATCH (ref:Member {id: $referrer_key})
FOREACH (_ IN CASE WHEN ref IS NULL THEN [] ELSE [1] END | CREATE (o)-[:REFERRED_BY]->(ref))
WITH DISTINCT o
FOREACH (pd IN $pools |
  MERGE (p:Pool {name: pd.name})
  ON CREATE SET p.balance = 0
  SET p.balance = p.balance + pd.amount)
WITH DISTINCT o
UNWIND $members AS d
MATCH (m:Member {id: d.id})
SET m.packages = coalesce(m.packages, 0) + d.packages,
    m.quota = coalesce(m.quota, 0) + d.quota,
    m.quota_used = coalesce(m.quota_used, 0) + d.quota_used,
    m.agent_referrals = coalesce(m.agent_referrals, 0) + d.agent_referrals,
    m.paid = coalesce(m.paid, 0) + d.paid,
    m.frozen = coalesce(m.frozen, 0) + d.frozen,
    m.burned = coalesce(m.burned, 0) + d.burned,
    m.withdrawn = coalesce(m.withdrawn, 0),
    m.status = coalesce(d.status, m.status)
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
