// The range of registration numbers for a paged snapshot read: lo and hi (smallest and largest
// Member.seq, null on an empty graph) and members (how many). No parameters.
MATCH (m:Member)
RETURN min(m.seq) AS lo, max(m.seq) AS hi, count(m) AS members
