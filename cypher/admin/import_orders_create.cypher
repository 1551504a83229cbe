// Import: creates historical orders without a referrer, grouped by buyer (one match of the
// buyer for all its orders), from $rows: [{id (the buyer), orders: [[id, amount (cents), at,
// period]] (lists: less text to send than maps)}], each with $plan_version, $settle,
// $closed_in, $effects: no entries (the old system paid them); `imported` marks them. Under
// the differential plan settle = 'differential' and closed_in = 'import' (they count for their
// month's group volumes, no close pays them); otherwise effects = true (the member counters
// they move are written with the member: import_members_create or
// import_orders_create_counted). Returns created.
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH v
UNWIND $rows AS g
MATCH (b:Member {id: g.id})
UNWIND g.orders AS row
CREATE (o:Order {id: row[0], buyer_id: g.id, amount: row[1], at: row[2], period: row[3],
                 plan_version: $plan_version, settle: $settle, closed_in: $closed_in, effects: $effects,
                 imported: true})
CREATE (o)-[:BOUGHT_BY]->(b)
RETURN count(o) AS created
