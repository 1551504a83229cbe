// Orders of period $period or earlier whose dividend and shareholder pool shares are not yet
// split by a month close (indexed `pools_open`: only open orders are read), with what those
// POOLED entries accrued to each pool, as one row: orders (how many) and dividend, shareholder
// (cents; added up with integers by reduce(), exact: sum() would answer a float, and sending
// every entry's amount costs ~2 µs a value for ~400,000 values).
MATCH (o:Order)
WHERE o.pools_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool IN ['dividend', 'shareholder']
WITH count(DISTINCT o) AS orders, collect(CASE WHEN e.pool = 'dividend' THEN e.amount END) AS dividend,
     collect(CASE WHEN e.pool = 'shareholder' THEN e.amount END) AS shareholder
RETURN orders, reduce(total = 0, cents IN dividend | total + cents) AS dividend,
       reduce(total = 0, cents IN shareholder | total + cents) AS shareholder
