// Guarded: records a batch of orders computed in Python (graph.ledger.order_batch) as one
// statement: each row of $orders ([{id, buyer_id, amount (cents), referrer_id, referrer_key ('' for
// none), at, period, plan_version, flags}]) becomes an Order bought by its buyer (and referred by
// its referrer), then everything the plan's modules book for all of them, merged in input order
// ($members, $pools, $holdings, $entries as in order_record). The version moves from $version to
// $version + size($orders), as recording them one by one moves it. Returns entries (created); no
// row when the graph changed since $version, or when an order of $unseen exists (the ids a batch
// computed from the in-process working set took as new without reading: graph.working_set; ''
// is added so that the UNWIND is never empty, and no order id is ''), or when $archived (the
// number of archived periods such a batch saw; null: not checked) is not the number there is.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
WHERE v.value = $version
OPTIONAL MATCH (a:ArchivedPeriod)
WITH v, count(a) AS archived
WHERE $archived IS NULL OR archived = $archived
UNWIND $unseen + [''] AS wanted
OPTIONAL MATCH (known:Order {id: wanted})
WITH v, count(known) AS clashes
WHERE clashes = 0
SET v.value = $version + size($orders)
WITH v
CALL {
  WITH v
  UNWIND $orders AS row
  MATCH (b:Member {id: row.buyer_id})
  CREATE (o:Order {id: row.id, buyer_id: row.buyer_id, amount: row.amount, referrer_id: row.referrer_id,
                   at: row.at, period: row.period, plan_version: row.plan_version})
  SET o += row.flags
  CREATE (o)-[:BOUGHT_BY]->(b)
  WITH o, row
  OPTIONAL MATCH (ref:Member {id: row.referrer_key})
  FOREACH (_ IN CASE WHEN ref IS NULL THEN [] ELSE [1] END | CREATE (o)-[:REFERRED_BY]->(ref))
  RETURN count(o) AS orders
}
WITH DISTINCT v
// include: ledger/pools
// include: ledger/holdings
// include: ledger/members
// include: ledger/entries
RETURN entries
