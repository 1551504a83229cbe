// The range of registration numbers the working set's pages cover (graph.working_set): lo and
// hi (smallest and largest Member.seq, null on an empty graph) and members (how many).
MATCH (m:Member)
RETURN min(m.seq) AS lo, max(m.seq) AS hi, count(m) AS members
