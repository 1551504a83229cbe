// Marks the period-close run $id DONE at $now (a finished run keeps its first time).
// Returns the run (ledger/period_run).
MATCH (r:PeriodRun {id: $id})
SET r.state = 'DONE', r.finished_at = coalesce(r.finished_at, $now)
WITH r
// include: ledger/period_run
