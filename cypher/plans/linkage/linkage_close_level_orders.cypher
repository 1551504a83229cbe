// The linkage close's read of the orders of period $period or earlier whose level pool no
// close has paid yet (indexed `level_open`), as one row of aligned lists: ids, buyer_ids,
// periods (the order's own), amounts (cents, net of refunds) and levels (the POOLED level
// share, cents; 0 for none).
MATCH (o:Order)
WHERE o.level_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool = 'level'
WITH o, sum(coalesce(e.amount, 0)) AS level
RETURN collect(o.id) AS ids, collect(o.buyer_id) AS buyer_ids, collect(o.period) AS periods,
       collect(o.amount - coalesce(o.refunded, 0)) AS amounts, collect(level) AS levels
