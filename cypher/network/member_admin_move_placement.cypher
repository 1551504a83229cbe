// Guarded: moves member $id with its placement subtree under $to in $slot: the PLACED_UNDER
// relationship, depth and first free depth of the subtree (+ $shift), the counters of the
// two placement paths $rows: [{id, size, children, team_orders (deltas), free_id,
// free_depth, free_seq (new)}], and the audit record $move (as in member_admin_move_sponsor).
// Returns id; no row when the graph changed since $version.
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
WITH DISTINCT m
CREATE (t:TreeMove {id: $move.id, member_id: $move.member_id, tree: $move.tree, from_id: $move.from_id,
                    to_id: $move.to_id, from_slot: $move.from_slot, to_slot: $move.to_slot, reason: $move.reason,
                    by: $move.by, at: $move.at})
CREATE (t)-[:OF]->(m)
RETURN t.id AS id
