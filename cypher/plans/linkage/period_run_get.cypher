// The period-close run $id if it exists (read only): id, period, steps done, entries, total
// (cents), done, at, plan_version. No row when it does not.
MATCH (r:PeriodRun {id: $id})
RETURN r.id AS id, r.period AS period, r.steps AS steps, r.entries AS entries, r.total AS total,
       r.done AS done, r.at AS at, r.plan_version AS plan_version
