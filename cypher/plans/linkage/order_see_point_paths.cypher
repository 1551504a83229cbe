// order_see_point_path for every member of $ids at once (a batch of orders reads them before
// computing: graph.plans.linkage.batch_reads): the same columns, with the buyer's id as `buyer`,
// ordered by buyer, then depth descending.
UNWIND $ids AS buyer
MATCH (v:Meta {key: 'version'}), (x:Member {id: buyer})-[:PLACED_UNDER*0..100000]->(c:Member)-[l:PLACED_UNDER]->(u:Member)
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN buyer, u.depth AS depth, l.slot AS from_slot, c.id AS via, coalesce(v.rotation_runs - u.full_at, 0) AS r,
       {id: u.id, packages: coalesce(u.packages, 0), agent_referrals: coalesce(u.agent_referrals, 0),
        quota: coalesce(u.quota, 0), quota_used: coalesce(u.quota_used, 0)} AS holder,
       CASE WHEN s IS NULL THEN NULL ELSE
         {id: s.id, packages: coalesce(s.packages, 0), agent_referrals: coalesce(s.agent_referrals, 0),
          quota: coalesce(s.quota, 0), quota_used: coalesce(s.quota_used, 0)} END AS sponsor
ORDER BY buyer, depth DESC
