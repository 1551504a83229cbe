// One page of the in-process working set (graph.working_set): every member with $lo <= seq < $hi
// (Member.seq is indexed) as ONE string per member (one value per row parses far faster in the
// Python client than many), with the graph's version and rotation run counter on every row:
// 'id|kind|seq|depth|sponsor_depth|referrals|full_at|children|size|free_depth|free_seq|free_id|
//  parent_id|own_slot|sponsor_id|status|identity|fund_released|packages|quota|quota_used|
//  agent_referrals|frozen|team_orders|landing_slug' (one line; empty for null; fund_released t/f;
// money in integer cents). Member ids, kinds, statuses and identities hold no '|'; the slug
// comes last (slugs hold none either).
MATCH (v:Meta {key: 'version'})
MATCH (m:Member)
WHERE m.seq >= $lo AND m.seq < $hi
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
