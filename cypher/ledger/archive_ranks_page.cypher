// A page of the rank history of period $period for the archive move (graph/network/rank_history.py's
// RankMonth records), by key after $after ('' = from the start), at most $limit: key,
// member_id, period, rank, level, identity.
MATCH (h:RankMonth {period: $period})
WHERE h.key > $after
RETURN h.key AS key, h.member_id AS member_id, h.period AS period, h.rank AS rank, h.level AS level,
       h.identity AS identity
ORDER BY key
LIMIT $limit
