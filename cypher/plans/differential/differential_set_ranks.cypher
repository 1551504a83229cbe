// Stores the ranks of $period on partners (unless a later month's rank is already stored):
// every partner gets $base (the rank of no volume, may be null), then each of $ranks
// ([{id, rank}]) its own. Re-running it writes the same. Returns partners, ranked.
MATCH (m:Member)
WHERE m.kind = 'PARTNER' AND (m.rank_period IS NULL OR m.rank_period <= $period)
SET m.rank = $base, m.rank_period = $period
WITH count(m) AS partners
UNWIND CASE WHEN size($ranks) = 0 THEN [null] ELSE $ranks END AS r
OPTIONAL MATCH (m:Member {id: coalesce(r.id, '')})
WHERE m.rank_period = $period
SET m.rank = r.rank
RETURN partners, count(m) AS ranked
