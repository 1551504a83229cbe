// Runs the rotation of week $week ($index: its week index, $now: epoch ms, under plan version
// $plan_version) in constant time: unless the week has a run already, creates it (counting the
// full members as rotated), adds one to the run counter Meta.rotation_runs (every full member's
// r = rotation_runs - full_at grows by one) and bumps the write version (registrations read r).
// Takes the version node's write lock first so that concurrent runs take turns.
// Returns created (this call ran the week), week, rotated, started_at, finished_at, plan_version,
// version (the graph's version after the statement: an in-process working set folds the run).
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
OPTIONAL MATCH (existing:Rotation {week: $week})
WITH v, CASE WHEN existing IS NULL THEN [1] ELSE [] END AS to_create
FOREACH (ignored IN to_create |
  CREATE (:Rotation {week: $week, index: $index, started_at: $now, finished_at: $now,
                     plan_version: $plan_version, rotated: v.full_members, runs_before: v.rotation_runs})
  SET v.rotation_runs = v.rotation_runs + 1, v.value = v.value + 1
)
WITH v, to_create
MATCH (run:Rotation {week: $week})
RETURN size(to_create) > 0 AS created, run.week AS week, run.rotated AS rotated, run.started_at AS started_at,
       run.finished_at AS finished_at, run.plan_version AS plan_version, v.value AS version
