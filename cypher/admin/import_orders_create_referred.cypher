// Import: creates historical orders with a cross-structure referrer, from $rows: [{id,
// buyer_id, amount (cents), at, period, referrer_id}], each with $plan_version, $settle, $closed_in, $effects:
// no entries (the old system paid them); `imported` marks them. Under the differential plan
// settle = 'differential' and closed_in = 'import' (they count for their month's group
// volumes, no close pays them); otherwise effects = true (import_orders_create_counted sets what
// they count for). Returns created.
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH v
UNWIND $rows AS row
MATCH (b:Member {id: row.buyer_id})
CREATE (o:Order {id: row.id, buyer_id: row.buyer_id, amount: row.amount, referrer_id: row.referrer_id,
                 at: row.at, period: row.period, plan_version: $plan_version, settle: $settle,
                 closed_in: $closed_in, effects: $effects, imported: true})
CREATE (o)-[:BOUGHT_BY]->(b)
WITH o, row
MATCH (ref:Member {id: row.referrer_id})
CREATE (o)-[:REFERRED_BY]->(ref)
RETURN count(o) AS created
