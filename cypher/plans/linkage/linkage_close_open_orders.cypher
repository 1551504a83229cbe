// The linkage close's one read of the orders of period $period or earlier whose level pool no
// close has paid yet (indexed `level_open`), for both of its steps (graph/plans/linkage/close.py):
// each order's entries are visited once. For the level step, as linkage_close_level_orders:
// ids and facts ('<amount, cents net of refunds> <level share, cents> <period> <buyer id>');
// for the pools step, of those orders whose pools are still open (`pools_open`): pool_orders
// (how many) and the dividend and shareholder shares they accrued (cents, added up with integers
// by reduce(): sum() would answer a float). The close checks that pool_orders are all the open
// pools (linkage_pool_orders_count) before it splits from this read.
MATCH (o:Order)
WHERE o.level_open <= $period
WITH o, o.pools_open IS NOT NULL AND o.pools_open <= $period AS open,
     [(e:Entry)-[:FOR_ORDER]->(o) WHERE e.status = 'POOLED' AND e.pool IN ['dividend', 'shareholder', 'level'] | e]
       AS pooled
WITH o, open,
     reduce(total = 0, e IN pooled | total + CASE WHEN e.pool = 'level' THEN e.amount ELSE 0 END) AS level,
     reduce(total = 0, e IN pooled | total + CASE WHEN open AND e.pool = 'dividend' THEN e.amount ELSE 0 END)
       AS dividend,
     reduce(total = 0, e IN pooled | total + CASE WHEN open AND e.pool = 'shareholder' THEN e.amount ELSE 0 END)
       AS shareholder
WITH collect(o.id) AS ids,
     collect(toString(o.amount - coalesce(o.refunded, 0)) + ' ' + toString(level) + ' ' + o.period + ' '
             + o.buyer_id) AS facts,
     collect(CASE WHEN open THEN 1 END) AS opened, collect(dividend) AS dividends, collect(shareholder) AS shareholders
RETURN ids, facts, size(opened) AS pool_orders, reduce(total = 0, cents IN dividends | total + cents) AS dividend,
       reduce(total = 0, cents IN shareholders | total + cents) AS shareholder
