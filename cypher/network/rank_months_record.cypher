// Records what closed period $period used of each member in $members ([{id, rank, level,
// identity}]) in its rank history: one (:RankMonth {key: '<id>@<period>'}) per member, written
// once (a re-run of the close keeps the first record). Returns recorded (count).
UNWIND $members AS m
MERGE (h:RankMonth {key: m.id + '@' + $period})
ON CREATE SET h.member_id = m.id, h.period = $period, h.rank = m.rank, h.level = m.level, h.identity = m.identity
RETURN count(h) AS recorded
