// See-point income (见点奖, rule see_point, status PAID) by the line it came through: for each
// entry, the beneficiary's placement line that holds the order's buyer, with that line's slot
// and its kind as designated now (WEALTH iff (slot - r) mod 3 = 0 with the owner's rotation
// offset r = Meta.rotation_runs - full_at; rotation may have moved it since the order). Money in integer cents. No parameters.
// Returns kind, slot, entries, cents, ordered by kind and slot.
MATCH (v:Meta {key: 'version'})
MATCH (e:Entry {rule: 'see_point', status: 'PAID'})-[:TO]->(owner:Member)
MATCH (e)-[:FOR_ORDER]->(o:Order)-[:BOUGHT_BY]->(buyer:Member)
MATCH (buyer)-[:PLACED_UNDER*0..100000]->(c:Member)-[l:PLACED_UNDER]->(owner)
WITH e, l.slot AS slot, coalesce(v.rotation_runs - owner.full_at, 0) AS r
WITH e, slot,
     CASE WHEN ((slot - r) % 3 + 3) % 3 = 0 THEN 'WEALTH' ELSE 'CONTRIBUTION' END AS kind
RETURN kind, slot, count(e) AS entries, sum(e.amount) AS cents
ORDER BY kind, slot
