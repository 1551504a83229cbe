// The linkage close's read of the orders of period $period or earlier whose level pool no
// close has paid yet (indexed `level_open`), as one row of aligned lists (each value sent costs
// ~2 µs, so what an order holds travels as one text: ids never hold a space): ids, and facts
// ('<amount, cents net of refunds> <level: the POOLED level share, cents, 0 for none>
// <the order's own period> <buyer id>'). The level share is added up per order by a pattern
// comprehension with integers (no grouping by order, no float from sum()).
MATCH (o:Order)
WHERE o.level_open <= $period
WITH o, reduce(total = 0, cents IN [(e:Entry)-[:FOR_ORDER]->(o) WHERE e.status = 'POOLED' AND e.pool = 'level'
                                    | e.amount] | total + cents) AS level
RETURN collect(o.id) AS ids,
       collect(toString(o.amount - coalesce(o.refunded, 0)) + ' ' + toString(level) + ' ' + o.period + ' '
               + o.buyer_id) AS facts
