// Up to $limit orders of period $period or earlier whose level pool is not yet paid by a month
// close (indexed `level_open`), by id: id, buyer_id, amount (net of refunds) and the POOLED level share (cents, null if none).
MATCH (o:Order)
WHERE o.level_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool = 'level'
RETURN o.id AS id, o.buyer_id AS buyer_id, o.amount - coalesce(o.refunded, 0) AS amount, sum(e.amount) AS level
ORDER BY id
LIMIT $limit
