// Guarded: starts period run $id ($plan closing $period at $now) if it does not exist, in the
// one run shape (ledger/period_run_start); from then on no order of that period is recorded.
// Returns id, or no row when the graph changed since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
MERGE (r:PeriodRun {id: $id})
ON CREATE SET r.period = $period, r.plan = $plan, r.plan_version = $plan_version, r.state = 'RUNNING',
              r.steps = [], r.orders = 0, r.entries = 0, r.total = 0, r.booked = 0, r.paid = 0, r.retained = 0,
              r.started_at = $now
RETURN r.id AS id
