// Marks the month-close run $id done at $finished_at. Returns the run like period_run_start.
MATCH (r:PeriodRun {id: $id})
SET r.done = true, r.finished_at = coalesce(r.finished_at, $finished_at)
RETURN r.id AS id, r.period AS period, r.steps AS steps, r.entries AS entries, r.total AS total,
       r.done AS done, r.at AS at, r.plan_version AS plan_version
