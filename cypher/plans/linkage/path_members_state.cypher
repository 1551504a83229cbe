// What an order of the linkage plan reads of each member on a placement path, for members $ids
// at once (graph.plans.linkage.batch_reads): its rotation offset r, its counters as a rule holder
// (money in cents), team_orders and status, and its sponsor's id, counters, frozen fund and
// whether it was released. Returns one row per member found.
MATCH (v:Meta {key: 'version'})
UNWIND $ids AS wanted
MATCH (u:Member {id: wanted})
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN u.id AS id, coalesce(v.rotation_runs - u.full_at, 0) AS r,
       {id: u.id, packages: coalesce(u.packages, 0), agent_referrals: coalesce(u.agent_referrals, 0),
        quota: coalesce(u.quota, 0), quota_used: coalesce(u.quota_used, 0)} AS holder,
       coalesce(u.team_orders, 0) AS team_orders, u.status AS status,
       CASE WHEN s IS NULL THEN NULL ELSE
         {id: s.id, packages: coalesce(s.packages, 0), agent_referrals: coalesce(s.agent_referrals, 0),
          quota: coalesce(s.quota, 0), quota_used: coalesce(s.quota_used, 0)} END AS sponsor,
       coalesce(s.frozen, 0) AS sponsor_frozen, coalesce(s.fund_released, false) AS sponsor_released
