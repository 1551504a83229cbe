// Bulk load (benches, imports into an empty month): creates orders exactly as an order of a
// differential plan is recorded (settle = 'differential', booked at the month close; effects =
// true: nothing else to book, graph.ledger.orders), from
// $rows: [{id, buyer_id, amount (cents), referrer_id (may be null), at (epoch ms), period,
// plan_version}]. Not guarded: the caller owns the graph. Returns created.
UNWIND $rows AS row
MATCH (b:Member {id: row.buyer_id})
CREATE (o:Order {id: row.id, buyer_id: row.buyer_id, amount: row.amount, referrer_id: row.referrer_id,
                 at: row.at, period: row.period, plan_version: row.plan_version, settle: 'differential',
                 effects: true})
CREATE (o)-[:BOUGHT_BY]->(b)
WITH o, row
OPTIONAL MATCH (ref:Member {id: coalesce(row.referrer_id, '')})
FOREACH (_ IN CASE WHEN ref IS NULL THEN [] ELSE [1] END | CREATE (o)-[:REFERRED_BY]->(ref))
RETURN count(o) AS created
