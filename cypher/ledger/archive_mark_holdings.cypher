// The archive move of $period: marks (archive = $period) up to $limit points holdings that no
// open period needs — nothing left in them (units 0, not active: every point sold or taken
// back) and their order moved to the archive (marked for this move or gone from the graph) —
// and not marked before. The holdings.parquet of the period is exactly the holdings marked so.
// Returns marked (count).
MATCH (h:Holding)
WHERE h.archive IS NULL AND coalesce(h.active, false) = false AND coalesce(h.units, 0) = 0
OPTIONAL MATCH (o:Order {id: h.order_id})
WITH h, o
WHERE o IS NULL OR o.archive = $period
WITH h
LIMIT $limit
SET h.archive = $period
RETURN count(h) AS marked
