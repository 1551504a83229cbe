// Guarded: closes period $period of family $family_id (under plan version $plan_version): creates its FamilyPeriodRun $key
// (with $count entries and $total cents) and books $entries (graph.ledger.entries.entry_rows: the
// leader's commission), adding $members [{id, paid, frozen, burned}] to member counters.
// Returns entries: the number booked; no row when the graph changed since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (f:Family {id: $family_id})
CREATE (run:FamilyPeriodRun {key: $key, family_id: $family_id, period: $period, at: $now, plan_version: $plan_version,
                             entries: $count, total: $total})
CREATE (run)-[:FOR]->(f)
WITH DISTINCT v
// include: ledger/members
// include: ledger/entries
RETURN entries
