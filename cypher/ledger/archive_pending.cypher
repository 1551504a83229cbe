// Periods whose close is DONE and that are not fully archived yet (no ArchivedPeriod, or its
// entries not yet all removed from the graph), oldest first. Returns period.
MATCH (r:PeriodRun {state: 'DONE'})
WITH DISTINCT r.period AS period
OPTIONAL MATCH (a:ArchivedPeriod {period: period})
WITH period, a
WHERE a IS NULL OR coalesce(a.removed, false) = false
RETURN period
ORDER BY period
