// Guarded: starts period run $id ($plan's $module closing $period at $now) if it does not exist;
// from then on no order of that period is recorded. Returns id, or no row when the graph
// changed since $version was read.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
SET v.value = $version + 1
MERGE (r:PeriodRun {id: $id})
ON CREATE SET r.plan = $plan, r.plan_version = $plan_version, r.module = $module, r.period = $period,
              r.state = 'RUNNING', r.orders = 0, r.entries = 0, r.total = 0, r.started_at = $now
RETURN r.id AS id
