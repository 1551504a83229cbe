// One batch of converting stored rotation offsets: every member with $from <= seq < $to that
// still holds r gets full_at = Meta.rotation_runs - r' and loses r and its old run marker
// rot_week, where r' is r plus one when the member is full and the run a crash left half-way
// (Meta.rotation_open) had not reached it. Members neither full nor rotated get no full_at.
// Idempotent: a converted member holds no r. Returns converted (members in this batch).
MATCH (v:Meta {key: 'version'})
MATCH (m:Member)
WHERE m.seq >= $from AND m.seq < $to AND m.r IS NOT NULL
OPTIONAL MATCH (c:Member)-[:PLACED_UNDER]->(m)
WITH v, m, count(c) AS lines
WITH v, m, lines,
     m.r + CASE WHEN lines = 3 AND v.rotation_open <> '' AND coalesce(m.rot_week, '') <> v.rotation_open
                THEN 1 ELSE 0 END AS r
SET m.full_at = CASE WHEN lines = 3 OR r > 0 THEN v.rotation_runs - r ELSE NULL END
REMOVE m.r, m.rot_week
RETURN count(m) AS converted
