// Marks period run $id as DONE at $now (idempotent: an already finished run keeps its time).
// Returns id.
MATCH (r:PeriodRun {id: $id})
SET r.finished_at = coalesce(r.finished_at, $now), r.state = 'DONE'
RETURN r.id AS id
