// Bench only (bench/family_archive.py): what the graph still holds after a week's move:
// activity events, entries, family period runs.
MATCH (n)
WHERE n:Activity OR n:Entry OR n:FamilyPeriodRun
RETURN sum(CASE WHEN n:Activity THEN 1 ELSE 0 END) AS activity,
       sum(CASE WHEN n:Entry THEN 1 ELSE 0 END) AS entries,
       sum(CASE WHEN n:FamilyPeriodRun THEN 1 ELSE 0 END) AS runs
