// Month-close runs of the linkage plan, newest period first. Returns period, entries, total (cents), done, plan_version.
MATCH (r:PeriodRun)
WHERE r.id STARTS WITH 'linkage:'
RETURN r.period AS period, r.entries AS entries, r.total AS total, r.done AS done, r.plan_version AS plan_version
ORDER BY period DESC
