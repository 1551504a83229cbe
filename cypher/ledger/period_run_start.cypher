// Opens (or finds) the period-close run $id of period $period (plan $plan, version
// $plan_version) at $now (epoch ms), in the one run shape. Returns the run (ledger/period_run).
MERGE (r:PeriodRun {id: $id})
ON CREATE SET r.period = $period, r.plan = $plan, r.plan_version = $plan_version, r.state = 'RUNNING',
              r.steps = [], r.orders = 0, r.entries = 0, r.total = 0, r.booked = 0, r.paid = 0, r.retained = 0,
              r.started_at = $now
WITH r
// include: ledger/period_run
