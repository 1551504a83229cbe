// Brings period-close runs booked before the one run shape into it (idempotent; run at start):
// a month close of the linkage plan kept `done` and `at` instead of `state` and `started_at`.
// Returns upgraded (count).
MATCH (r:PeriodRun)
WHERE r.state IS NULL
SET r.state = CASE WHEN r.done THEN 'DONE' ELSE 'RUNNING' END, r.started_at = coalesce(r.started_at, r.at),
    r.steps = coalesce(r.steps, []), r.orders = coalesce(r.orders, 0)
REMOVE r.done, r.at
RETURN count(r) AS upgraded
