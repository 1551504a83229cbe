// What moving member $id under $to reads: the graph version; the member with its sponsor,
// placement parent and slot, depths, subtree counters and first free position; its old
// sponsor and old placement parent; the target; the member's own sales (amount − refunded
// of each of its orders with effects, cents, leaving out the orders of the periods $archived:
// recorded in the archive, still being removed, read from the files); and how many period
// closes are running.
// Returns version, member, old_sponsor, old_parent, target (null when unknown), own_sales,
// running_closes.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (m:Member {id: $id})
OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member)
OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member)
OPTIONAL MATCH (t:Member {id: $to})
WITH v, m, s, l, p, t
OPTIONAL MATCH (o:Order)-[:BOUGHT_BY]->(m)
WHERE o.effects = true AND NOT coalesce(o.archive, '') IN $archived
WITH v, m, s, l, p, t, collect(o.amount - coalesce(o.refunded, 0)) AS own_sales
OPTIONAL MATCH (r:PeriodRun)
WHERE r.state = 'RUNNING' OR r.done = false
WITH v, m, s, l, p, t, own_sales, count(r) AS running_closes
RETURN v.value AS version,
       CASE WHEN m IS NULL THEN NULL ELSE
         {id: m.id, sponsor_id: s.id, parent_id: p.id, slot: l.slot, depth: m.depth, sponsor_depth: m.sponsor_depth,
          size: m.size, team_orders: coalesce(m.team_orders, 0), team_sales: coalesce(m.team_sales, 0),
          packages: coalesce(m.packages, 0), free_id: m.free_id, free_depth: m.free_depth, free_seq: m.free_seq} END
         AS member,
       CASE WHEN s IS NULL THEN NULL ELSE
         {id: s.id, packages: coalesce(s.packages, 0), agent_referrals: coalesce(s.agent_referrals, 0),
          status: s.status, identity: s.identity} END AS old_sponsor,
       CASE WHEN p IS NULL THEN NULL ELSE {id: p.id, children: p.children} END AS old_parent,
       CASE WHEN t IS NULL THEN NULL ELSE
         {id: t.id, depth: t.depth, sponsor_depth: t.sponsor_depth, children: t.children,
          packages: coalesce(t.packages, 0), agent_referrals: coalesce(t.agent_referrals, 0), status: t.status,
          identity: t.identity} END AS target,
       own_sales, running_closes
