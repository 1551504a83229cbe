// The period-close run $id if it exists (read only). Returns the run (ledger/period_run); no
// row when it does not.
MATCH (r:PeriodRun {id: $id})
// include: ledger/period_run
