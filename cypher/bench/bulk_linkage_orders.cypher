// Bulk load (benches): creates linkage orders as the month close finds them, from $rows: [{id,
// buyer_id, amount (cents), at (epoch ms), period, plan_version, pooled: [{seq, pool, amount}]}]:
// the order (pools_open / level_open = its period), BOUGHT_BY its buyer, and its POOLED entries
// (id 'order:<id>#<seq>', FOR_ORDER the order). Nothing else an order books (the close reads
// none of it). Not guarded: the caller owns the graph. Returns created.
UNWIND $rows AS row
MATCH (b:Member {id: row.buyer_id})
CREATE (o:Order {id: row.id, buyer_id: row.buyer_id, amount: row.amount, at: row.at, period: row.period,
                 plan_version: row.plan_version, effects: true, pools_open: row.period, level_open: row.period})
CREATE (o)-[:BOUGHT_BY]->(b)
WITH o, row
UNWIND row.pooled AS p
CREATE (e:Entry {id: 'order:' + row.id + '#' + toString(p.seq), seq: p.seq, rule: p.pool + '_pool',
                 status: 'POOLED', amount: p.amount, explanation: 'bench', pool: p.pool, order_id: row.id,
                 period: row.period, at: row.at, plan_version: row.plan_version})
CREATE (e)-[:FOR_ORDER]->(o)
RETURN count(DISTINCT o) AS created
