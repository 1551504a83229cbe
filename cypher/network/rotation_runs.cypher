// Every recorded rotation run, latest week first. Returns week, rotated, started_at, finished_at, plan_version.
MATCH (run:Rotation)
RETURN run.week AS week, run.rotated AS rotated, run.started_at AS started_at, run.finished_at AS finished_at,
       run.plan_version AS plan_version
ORDER BY run.index DESC
