// Orders of period $period or earlier whose dividend and shareholder pool shares are not yet
// split by a month close (indexed `pools_open`: only open orders are read), with those POOLED
// amounts, as one row of lists (read several times faster than a row per order): ids (the
// orders), pools and amounts (cents), aligned, one per POOLED entry.
MATCH (o:Order)
WHERE o.pools_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool IN ['dividend', 'shareholder']
RETURN collect(DISTINCT o.id) AS ids, collect(e.pool) AS pools, collect(e.amount) AS amounts
