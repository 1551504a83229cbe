// Members of the in-process working set by id (graph.working_set): those the writer's own writes
// touched while a copy of the set was read beside it in pages at other versions, read again at
// one version when the copy is installed. $ids: member ids. Returns version, runs, member (one
// string per member, as working_set_members returns it).
MATCH (v:Meta {key: 'version'})
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
RETURN v.value AS version, coalesce(v.rotation_runs, 0) AS runs,
       m.id + '|' + coalesce(m.kind, '') + '|' + toString(m.seq) + '|' + toString(coalesce(m.depth, 0)) + '|' +
       toString(coalesce(m.sponsor_depth, 0)) + '|' + toString(coalesce(m.referrals, 0)) + '|' +
       coalesce(toString(m.full_at), '') + '|' + toString(coalesce(m.children, 0)) + '|' +
       toString(coalesce(m.size, 1)) + '|' + coalesce(toString(m.free_depth), '') + '|' +
       coalesce(toString(m.free_seq), '') + '|' + coalesce(m.free_id, '') + '|' +
       coalesce(p.id, '') + '|' + coalesce(toString(l.slot), '') + '|' + coalesce(s.id, '') + '|' +
       coalesce(m.status, '') + '|' + coalesce(m.identity, '') + '|' +
       CASE m.fund_released WHEN true THEN 't' WHEN false THEN 'f' ELSE '' END + '|' +
       toString(coalesce(m.packages, 0)) + '|' + toString(coalesce(m.quota, 0)) + '|' +
       toString(coalesce(m.quota_used, 0)) + '|' + toString(coalesce(m.agent_referrals, 0)) + '|' +
       toString(coalesce(m.frozen, 0)) + '|' + toString(coalesce(m.team_orders, 0)) + '|' +
       coalesce(m.landing_slug, '') AS member
