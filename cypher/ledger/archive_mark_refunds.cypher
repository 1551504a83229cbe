// The archive move of $period: marks (archive = $period) up to $limit refunds booked in
// $period or earlier (closed: a refund is booked in an open period) not marked before; the
// refunds.parquet of the period is exactly the refunds marked so. Returns marked (count).
MATCH (r:Refund)
WHERE r.period <= $period AND r.archive IS NULL
WITH r
LIMIT $limit
SET r.archive = $period
RETURN count(r) AS marked
