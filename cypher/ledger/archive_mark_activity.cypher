// The archive move of $period ($start <= at < $end): marks (archive = $period) up to $limit of
// the family plan's activity events of the period whose family closed it (a FamilyPeriodRun of
// $period: no open period needs them, and none can be recorded into it any more) and not
// marked before, giving each a key ($prefix + a number) unless it has one. An event of a family
// that had not closed the period stays unmarked (hot). The activity.parquet of the period is
// exactly the events marked so. Returns marked (count).
MATCH (run:FamilyPeriodRun {period: $period})-[:FOR]->(f:Family)
MATCH (a:Activity)-[:IN]->(f)
WHERE a.at >= $start AND a.at < $end AND a.archive IS NULL
WITH a
LIMIT $limit
WITH collect(a) AS events
UNWIND range(0, size(events) - 1) AS i
WITH events[i] AS a, i
SET a.archive = $period, a.key = coalesce(a.key, $prefix + toString(i))
RETURN count(a) AS marked
