// Guarded: moves member $id with its placement subtree under $to in $slot: the PLACED_UNDER
// relationship, depth and first free depth of the subtree (+ $shift), the counters of the
// two placement paths $rows: [{id, size, children, team_orders (deltas), free_id,
// free_depth, free_seq (new)}], and the audit record $move (as in member_admin_move_sponsor).
// A member the move fills becomes full now (full_at = the rotation-run counter, r = 0); a full
// member the move takes a line from is no longer full (its rotation starts again when a third
// line fills it); Meta.full_members follows. Returns id; no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (m:Member {id: $id})-[old:PLACED_UNDER]->(:Member)
MATCH (p:Member {id: $to})
DELETE old
CREATE (m)-[:PLACED_UNDER {slot: $slot}]->(p)
WITH DISTINCT m
MATCH (x:Member)-[:PLACED_UNDER*0..100000]->(m)
SET x.depth = x.depth + $shift, x.free_depth = x.free_depth + $shift
WITH m, count(x) AS shifted
UNWIND $rows AS d
MATCH (u:Member {id: d.id})
SET u.size = u.size + d.size, u.children = u.children + d.children,
    u.team_orders = coalesce(u.team_orders, 0) + d.team_orders,
    u.free_id = d.free_id, u.free_depth = d.free_depth, u.free_seq = d.free_seq
WITH m, u, CASE WHEN u.children = 3 AND u.full_at IS NULL THEN 1
                WHEN u.children < 3 AND u.full_at IS NOT NULL THEN -1 ELSE 0 END AS change
MATCH (v:Meta {key: 'version'})
SET u.full_at = CASE WHEN u.children = 3 THEN coalesce(u.full_at, v.rotation_runs) ELSE NULL END
WITH m, v, sum(change) AS delta
SET v.full_members = v.full_members + delta
WITH DISTINCT m
CREATE (t:TreeMove {id: $move.id, member_id: $move.member_id, tree: $move.tree, from_id: $move.from_id,
                    to_id: $move.to_id, from_slot: $move.from_slot, to_slot: $move.to_slot, reason: $move.reason,
                    by: $move.by, at: $move.at, effective_at: $move.effective_at})
CREATE (t)-[:OF]->(m)
RETURN t.id AS id
