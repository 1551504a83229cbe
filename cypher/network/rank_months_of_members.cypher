// The rank history of the members $ids, oldest period first: member_id, period, rank, level
// (linkage v1–v7, null elsewhere), identity (linkage, null elsewhere). $archived: periods whose
// rank history is read from the archive (left out here; graph/ledger/history.py).
MATCH (h:RankMonth)
WHERE h.member_id IN $ids AND NOT h.period IN $archived
RETURN h.member_id AS member_id, h.period AS period, h.rank AS rank, h.level AS level, h.identity AS identity
ORDER BY member_id, period
