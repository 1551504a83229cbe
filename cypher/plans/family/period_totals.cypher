// The family commission booked for $period over all families: entries (count), total (cents).
MATCH (run:FamilyPeriodRun)
WHERE run.period = $period
RETURN coalesce(sum(run.entries), 0) AS entries, coalesce(sum(run.total), 0) AS total
