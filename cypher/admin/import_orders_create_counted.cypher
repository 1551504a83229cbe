// Import: import_orders_create for members already in the graph whose counters the
// historical orders move, from $rows: [{id, orders: [[id, amount (cents), at, period]] (may
// be empty: a member above buyers), packages, quota (cents), agent_referrals, team_orders,
// team_sales (cents), shares_milli (deltas; a zero delta is left out), status, identity (left
// out = unchanged)}], each with $plan_version, $settle, $closed_in, $effects. Deltas, not new
// values: what a running service records during the import's batches adds up. Returns created.
// Moves the graph's version (one step per batch) so that a writer that computed from what it
// read before (another process's in-process working set: graph.working_set) computes again.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
SET v.value = v.value + 1
WITH v
UNWIND $rows AS g
MATCH (b:Member {id: g.id})
SET b.packages = coalesce(b.packages, 0) + coalesce(g.packages, 0),
    b.quota = coalesce(b.quota, 0) + coalesce(g.quota, 0),
    b.agent_referrals = coalesce(b.agent_referrals, 0) + coalesce(g.agent_referrals, 0),
    b.team_orders = coalesce(b.team_orders, 0) + coalesce(g.team_orders, 0),
    b.team_sales = coalesce(b.team_sales, 0) + coalesce(g.team_sales, 0),
    b.shares_milli = coalesce(b.shares_milli, 0) + coalesce(g.shares_milli, 0),
    b.status = coalesce(g.status, b.status),
    b.identity = coalesce(g.identity, b.identity)
WITH b, g
UNWIND g.orders AS row
CREATE (o:Order {id: row[0], buyer_id: g.id, amount: row[1], at: row[2], period: row[3],
                 plan_version: $plan_version, settle: $settle, closed_in: $closed_in, effects: $effects,
                 imported: true})
CREATE (o)-[:BOUGHT_BY]->(b)
RETURN count(o) AS created
