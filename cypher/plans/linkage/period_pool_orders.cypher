// Orders of period $period or earlier whose dividend and shareholder pool shares are not yet
// split by a month close (indexed `pools_open`: only open orders are read), with those POOLED amounts (cents). Returns id, pooled: [{pool, amount}].
MATCH (o:Order)
WHERE o.pools_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool IN ['dividend', 'shareholder']
RETURN o.id AS id, collect({pool: e.pool, amount: e.amount}) AS pooled
