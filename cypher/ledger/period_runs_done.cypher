// The periods of every finished period-close run (months and weeks, every plan). Returns period.
MATCH (r:PeriodRun)
WHERE r.state = 'DONE'
RETURN DISTINCT r.period AS period
