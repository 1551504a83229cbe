// First step of converting stored rotation offsets (Member.r, written before the run counter)
// into Member.full_at: when the graph has no full-member count yet (or $force), sets the run
// counter Meta.rotation_runs to the number of runs (kept when set), remembers the week of a run
// a crash left half-way (Meta.rotation_open, '' for none; its unrotated full members get their
// rotation in the conversion) and marks that run finished at $now.
// Returns pending (members are to be converted) and version (no member's seq is above it);
// no row when there is nothing to do.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.full_members IS NULL OR $force
OPTIONAL MATCH (run:Rotation)
WITH v, collect(run) AS runs
SET v.rotation_runs = coalesce(v.rotation_runs, size(runs)),
    v.rotation_open = coalesce(v.rotation_open, head([run IN runs WHERE run.finished_at IS NULL | run.week]), '')
FOREACH (open IN [run IN runs WHERE run.finished_at IS NULL] | SET open.finished_at = $now)
RETURN true AS pending, v.value AS version
