// The linkage close's read of the orders of period $period or earlier whose level pool no
// close has paid yet (indexed `level_open`), as one row of aligned lists (each value sent costs
// ~2 µs, so what an order holds travels as one text: ids never hold a space): ids, and facts
// ('<amount, cents net of refunds> <level: the POOLED level share, cents, 0 for none>
// <the order's own period> <buyer id>').
MATCH (o:Order)
WHERE o.level_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool = 'level'
WITH o, sum(coalesce(e.amount, 0)) AS level
RETURN collect(o.id) AS ids,
       collect(toString(o.amount - coalesce(o.refunded, 0)) + ' ' + toString(toInteger(level)) + ' ' + o.period + ' '
               + o.buyer_id) AS facts
