// The ranks a closed month $period gave partners (their rank history), for the late orders of
// that month booked by a later close. Returns id, rank (null: no rank).
MATCH (h:RankMonth {period: $period})
RETURN h.member_id AS id, h.rank AS rank
