// What recording order $id of buyer $buyer_id reads first: the graph version, the order if
// one with that id exists (for idempotency), the buyer and its sponsor as rule holders
// ({id, packages, agent_referrals, quota, quota_used, identity}, money in cents; `half_done` on
// the order: recorded without its effects by an earlier version's two statements) and whether the
// referrer $referrer_key exists ('' when there is none: a null key would make FalkorDB scan
// every member instead of using the index), and whether a close has started on the order's
// period $period (then it is booked late: docs/periods.md). Returns one row; buyer / sponsor /
// order are null when missing.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (o:Order {id: $id})
OPTIONAL MATCH (b:Member {id: $buyer_id})
OPTIONAL MATCH (b)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (ref:Member {id: $referrer_key})
OPTIONAL MATCH (run:PeriodRun {period: $period})
OPTIONAL MATCH (week:FamilyPeriodRun {period: $period})
WITH v, o, b, s, ref, count(run) + count(week) AS runs
RETURN v.value AS version, runs > 0 AS period_started,
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
