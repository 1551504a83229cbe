// One batch of the rotation of week $week: every full member (3 placement children) with
// $from <= seq < $to that was not rotated for $week gets r + 1 and the marker rot_week = $week.
// Acts only while the run is unfinished; bumps the graph version (registrations read r).
// Returns rotated (in this batch) and total (in the run so far), or no row when the run is
// finished or unknown.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
MATCH (run:Rotation {week: $week})
WHERE run.finished_at IS NULL
OPTIONAL MATCH (m:Member)<-[l:PLACED_UNDER]-()
WHERE m.seq >= $from AND m.seq < $to AND (m.rot_week IS NULL OR m.rot_week <> $week)
WITH v, run, m, count(l) AS lines
WITH v, run, collect(CASE WHEN lines = 3 THEN m END) AS due
FOREACH (m IN due | SET m.r = m.r + 1, m.rot_week = $week)
SET v.value = v.value + 1,
    run.rotated = run.rotated + size(due),
    run.next_seq = CASE WHEN run.next_seq < $to THEN $to ELSE run.next_seq END
RETURN size(due) AS rotated, run.rotated AS total
