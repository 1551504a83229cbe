// Guarded: closes period $period of family $family_id when nothing is to be booked: creates
// its FamilyPeriodRun $key with 0 entries. Returns key, or no row when the graph changed
// since $version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
WITH v
MATCH (f:Family {id: $family_id})
CREATE (run:FamilyPeriodRun {key: $key, family_id: $family_id, period: $period, at: $now, plan_version: $plan_version,
                             entries: 0, total: 0})
CREATE (run)-[:FOR]->(f)
RETURN run.key AS key
