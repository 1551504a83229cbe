// The periods of every period-close run started on this graph, finished or not (months and
// weeks, every plan; a family week counts once one family's run exists). Returns period.
MATCH (r:PeriodRun)
RETURN DISTINCT r.period AS period
UNION
MATCH (r:FamilyPeriodRun)
RETURN DISTINCT r.period AS period
