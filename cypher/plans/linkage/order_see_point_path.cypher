// The see-point walk's path (rules §3): every placement ancestor of $id, nearest first, with
// the slot it was reached from (from_slot), the child it was reached from (via), its rotation
// offset r (Meta.rotation_runs - full_at), and itself and its sponsor as rule holders
// ({id, packages, agent_referrals, quota, quota_used}, money in cents; sponsor null at a root).
// Where the walk stops is decided in Python (graph.plans.linkage.allocation.team_owner).
MATCH (v:Meta {key: 'version'}), (x:Member {id: $id})-[:PLACED_UNDER*0..100000]->(c:Member)-[l:PLACED_UNDER]->(u:Member)
OPTIONAL MATCH (u)-[:SPONSORED_BY]->(s:Member)
RETURN u.depth AS depth, l.slot AS from_slot, c.id AS via, coalesce(v.rotation_runs - u.full_at, 0) AS r,
       {id: u.id, packages: coalesce(u.packages, 0), agent_referrals: coalesce(u.agent_referrals, 0),
        quota: coalesce(u.quota, 0), quota_used: coalesce(u.quota_used, 0)} AS holder,
       CASE WHEN s IS NULL THEN NULL ELSE
         {id: s.id, packages: coalesce(s.packages, 0), agent_referrals: coalesce(s.agent_referrals, 0),
          quota: coalesce(s.quota, 0), quota_used: coalesce(s.quota_used, 0)} END AS sponsor
ORDER BY depth DESC
