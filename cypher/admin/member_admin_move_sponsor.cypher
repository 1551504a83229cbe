// Guarded: moves member $id (with its sponsor downline) to sponsor $to: the SPONSORED_BY
// relationship, sponsor_depth of the downline (+ $shift), the counters of $rows: [{id,
// referrals, agent_referrals, team_sales (deltas), status, identity (null = unchanged)}],
// and the audit record $move {id, member_id, tree, from_id, to_id, from_slot, to_slot,
// reason, by, at, effective_at} as (:TreeMove)-[:OF]->(member). Returns id; no row when the graph changed.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (m:Member {id: $id})-[old:SPONSORED_BY]->(:Member)
MATCH (s:Member {id: $to})
DELETE old
CREATE (m)-[:SPONSORED_BY]->(s)
WITH DISTINCT m
MATCH (x:Member)-[:SPONSORED_BY*0..100000]->(m)
SET x.sponsor_depth = x.sponsor_depth + $shift
WITH m, count(x) AS shifted
UNWIND $rows AS d
MATCH (u:Member {id: d.id})
SET u.referrals = u.referrals + d.referrals,
    u.agent_referrals = coalesce(u.agent_referrals, 0) + d.agent_referrals,
    u.team_sales = coalesce(u.team_sales, 0) + d.team_sales,
    u.status = coalesce(d.status, u.status),
    u.identity = coalesce(d.identity, u.identity)
WITH DISTINCT m
CREATE (t:TreeMove {id: $move.id, member_id: $move.member_id, tree: $move.tree, from_id: $move.from_id,
                    to_id: $move.to_id, reason: $move.reason, by: $move.by, at: $move.at, effective_at: $move.effective_at})
CREATE (t)-[:OF]->(m)
RETURN t.id AS id
