// Import: the opening-balance entries among $ids (`opening:<member>#0`) already booked (a
// re-run skips them). Returns id, amount (cents), opening_frozen (cents), quota_used (cents),
// points (ten-thousandths).
UNWIND $ids AS wanted
MATCH (e:Entry {id: wanted})
RETURN e.id AS id, e.amount AS amount, coalesce(e.opening_frozen, 0) AS opening_frozen,
       coalesce(e.quota_used, 0) AS quota_used, coalesce(e.points, 0) AS points
