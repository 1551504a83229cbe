// Import: creates historical orders, from $rows: [{id, buyer_id, amount (cents), referrer_id
// (may be null), referrer_key ('' for none), at, period, plan_version, settle, closed_in,
// effects}]: no entries (the old system paid them); `imported` marks them. Under the
// differential plan settle = 'differential' and closed_in = 'import' (they count for their
// month's group volumes, no close pays them); otherwise effects = true (their counters are
// set by import_orders_counters). Returns created.
UNWIND $rows AS row
MATCH (b:Member {id: row.buyer_id})
CREATE (o:Order {id: row.id, buyer_id: row.buyer_id, amount: row.amount, referrer_id: row.referrer_id,
                 at: row.at, period: row.period, plan_version: row.plan_version, settle: row.settle,
                 closed_in: row.closed_in, effects: row.effects, imported: true})
CREATE (o)-[:BOUGHT_BY]->(b)
WITH o, row
OPTIONAL MATCH (ref:Member {id: row.referrer_key})
FOREACH (_ IN CASE WHEN ref IS NULL THEN [] ELSE [1] END | CREATE (o)-[:REFERRED_BY]->(ref))
RETURN count(o) AS created
