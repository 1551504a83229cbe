// Marks the run of week $week finished at $now (keeps an earlier finish time).
// Returns week, rotated, started_at, finished_at, plan_version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
MATCH (run:Rotation {week: $week})
SET run.finished_at = coalesce(run.finished_at, $now)
RETURN run.week AS week, run.rotated AS rotated, run.started_at AS started_at, run.finished_at AS finished_at,
       run.plan_version AS plan_version
