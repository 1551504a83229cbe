// Bench only (bench/archive.py): how many properties members hold — a counter set on a member for
// the first time (its first order, its first pay) is live state the network grows by, not history.
MATCH (m:Member)
RETURN count(m) AS members, sum(size(keys(m))) AS properties
