// The period-close runs whose id starts with $prefix (a plan module's, e.g. 'linkage:'), newest
// period first. Returns runs (ledger/period_run).
MATCH (r:PeriodRun)
WHERE r.id STARTS WITH $prefix
WITH r
ORDER BY r.period DESC
// include: ledger/period_run
