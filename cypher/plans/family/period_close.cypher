// Guarded: closes period $period of family $family_id (under plan version $plan_version): creates its FamilyPeriodRun $key
// (with $count entries and $total cents) and books $entries (graph.ledger.entries.entry_rows: the
// leader's commission), adding $members [{id, paid, frozen, burned}] to member counters and
// $count, $total, $booked, $paid, $retained (cents) to the plan's period run $run_id.
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
WITH v
OPTIONAL MATCH (r:PeriodRun {id: $run_id})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  SET r.entries = r.entries + $count, r.total = r.total + $total, r.booked = r.booked + $booked,
      r.paid = r.paid + $paid, r.retained = r.retained + $retained)
WITH DISTINCT v
// include: ledger/members
// include: ledger/entries
RETURN entries
