// The audit records of tree moves, of member $id ('' for every member), oldest first.
// Returns id, member_id, tree, from_id, to_id, from_slot, to_slot, reason, by, at, effective_at (at for moves recorded before it existed).
MATCH (t:TreeMove)
WHERE $id = '' OR t.member_id = $id
RETURN t.id AS id, t.member_id AS member_id, t.tree AS tree, t.from_id AS from_id, t.to_id AS to_id,
       t.from_slot AS from_slot, t.to_slot AS to_slot, t.reason AS reason, t.by AS by, t.at AS at,
       coalesce(t.effective_at, t.at) AS effective_at
ORDER BY at, id
