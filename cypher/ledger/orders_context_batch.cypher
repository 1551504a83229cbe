// What recording each order of a batch reads first (graph.ledger.order_batch): for every
// $items row {id, buyer_id, referrer_key, period} the columns of order_context for it (version,
// period_started, existing, buyer, sponsor, referrer_found), with the row's own fields first.
UNWIND $items AS item
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (o:Order {id: item.id})
OPTIONAL MATCH (b:Member {id: item.buyer_id})
OPTIONAL MATCH (b)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (ref:Member {id: item.referrer_key})
OPTIONAL MATCH (run:PeriodRun {period: item.period})
OPTIONAL MATCH (week:FamilyPeriodRun {period: item.period})
WITH item.id AS id, item.buyer_id AS buyer_id, item.referrer_key AS referrer_key, item.period AS period,
     v, o, b, s, ref, count(run) + count(week) AS runs
RETURN id, buyer_id, referrer_key, period, v.value AS version, runs > 0 AS period_started,
       CASE WHEN o IS NULL THEN NULL ELSE
         {id: o.id, buyer_id: o.buyer_id, amount: o.amount, referrer_id: o.referrer_id, at: o.at,
          period: o.period, plan_version: o.plan_version,
          half_done: o.effects IS NULL AND o.settle IS NULL} END AS existing,
       CASE WHEN b IS NULL THEN NULL ELSE
         {id: b.id, packages: coalesce(b.packages, 0), agent_referrals: coalesce(b.agent_referrals, 0),
          quota: coalesce(b.quota, 0), quota_used: coalesce(b.quota_used, 0), identity: b.identity} END AS buyer,
       CASE WHEN s IS NULL THEN NULL ELSE
         {id: s.id, packages: coalesce(s.packages, 0), agent_referrals: coalesce(s.agent_referrals, 0),
          quota: coalesce(s.quota, 0), quota_used: coalesce(s.quota_used, 0), identity: s.identity} END AS sponsor,
       ref IS NOT NULL AS referrer_found
