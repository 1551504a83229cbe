// What the in-process working set (graph.working_set) holds besides the members: the graph's
// version, the rotation run counter, and the periods whose close has started (a PeriodRun or a
// FamilyPeriodRun exists: an order of such a period is booked late) as months and weeks.
// Returns one row.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (run:PeriodRun)
WITH v, collect(DISTINCT run.period) AS months
OPTIONAL MATCH (week:FamilyPeriodRun)
RETURN v.value AS version, coalesce(v.rotation_runs, 0) AS runs, months, collect(DISTINCT week.period) AS weeks
