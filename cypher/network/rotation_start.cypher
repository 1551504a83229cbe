// Starts the rotation run of week $week ($index: its week index, $now: epoch ms, under plan
// version $plan_version) unless the run of another week is unfinished; finds it when it exists. Takes the version node's write
// lock first so that concurrent starts take turns. Returns one row: started (the run of
// $week exists now), open (weeks of other unfinished runs; the caller finishes them first),
// week, rotated, started_at, finished_at, plan_version.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
OPTIONAL MATCH (other:Rotation)
WHERE other.finished_at IS NULL AND other.week <> $week
WITH v, collect(other.week) AS open
OPTIONAL MATCH (existing:Rotation {week: $week})
WITH open, CASE WHEN existing IS NULL AND size(open) = 0 THEN [1] ELSE [] END AS to_create
FOREACH (ignored IN to_create |
  MERGE (new:Rotation {week: $week})
  ON CREATE SET new.index = $index, new.started_at = $now, new.plan_version = $plan_version, new.rotated = 0, new.next_seq = 0
)
WITH open
OPTIONAL MATCH (run:Rotation {week: $week})
RETURN run IS NOT NULL AS started, open, run.week AS week, run.rotated AS rotated,
       run.started_at AS started_at, run.finished_at AS finished_at, run.plan_version AS plan_version
