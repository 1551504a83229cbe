// Opens (or finds) the month-close run $id of period $period (plan $plan, version $plan_version) at time $at (epoch ms).
// Returns the run: id, period, steps done, entries and total (cents) booked so far, done, at, plan_version.
MERGE (r:PeriodRun {id: $id})
ON CREATE SET r.period = $period, r.plan = $plan, r.plan_version = $plan_version, r.steps = [], r.entries = 0, r.total = 0, r.done = false,
              r.at = $at
RETURN r.id AS id, r.period AS period, r.steps AS steps, r.entries AS entries, r.total AS total,
       r.done AS done, r.at AS at, r.plan_version AS plan_version
