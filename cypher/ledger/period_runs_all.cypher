// Every plan's period-close runs, newest period first (by module within a period). Returns
// runs (ledger/period_run).
MATCH (r:PeriodRun)
WITH r
ORDER BY r.period DESC, r.id
// include: ledger/period_run
