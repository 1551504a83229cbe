// Last step of converting stored rotation offsets: counts the full members (those with a
// full_at) into Meta.full_members, gives the run a crash left half-way that count as its
// rotated members, forgets that run and bumps the write version. Returns full_members.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
OPTIONAL MATCH (m:Member)
WHERE m.full_at IS NOT NULL
WITH v, count(m) AS full
OPTIONAL MATCH (run:Rotation)
WHERE run.week = v.rotation_open
FOREACH (open IN CASE WHEN run IS NULL THEN [] ELSE [run] END | SET open.rotated = full)
SET v.full_members = full, v.value = v.value + 1, v.rotation_open = NULL
RETURN full AS full_members
