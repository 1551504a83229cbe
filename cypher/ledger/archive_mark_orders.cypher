// The archive move of $period, first step: marks (archive = $period) up to $limit orders of
// $period or earlier that no open period needs — whole (not left half-done), their pool shares
// split by a month close (pools_open / level_open unset), their differential close booked —
// and not marked before. The orders.parquet of the period is exactly the orders marked so.
// Returns marked (count).
MATCH (o:Order)
WHERE o.period <= $period AND o.archive IS NULL AND (o.effects IS NOT NULL OR o.settle IS NOT NULL)
  AND o.pools_open IS NULL AND o.level_open IS NULL AND (o.settle IS NULL OR o.closed_in IS NOT NULL)
WITH o
LIMIT $limit
SET o.archive = $period
RETURN count(o) AS marked
