// The latest week index that has a rotation run (finished or not). Returns index (null if none).
MATCH (run:Rotation)
RETURN max(run.index) AS index
