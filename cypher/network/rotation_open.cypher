// Weeks whose rotation run is unfinished (at most one, but a list). Returns week.
MATCH (run:Rotation)
WHERE run.finished_at IS NULL
RETURN run.week AS week
