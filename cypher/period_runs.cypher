// Month-close runs of the linkage plan, newest period first. Returns period, entries, total (cents), done.
MATCH (r:PeriodRun)
WHERE r.id STARTS WITH 'linkage:'
RETURN r.period AS period, r.entries AS entries, r.total AS total, r.done AS done
ORDER BY period DESC
