// Import: the member counters historical orders move, from $rows: [{id, packages, quota
// (cents), agent_referrals, team_orders, team_sales (cents), shares_milli (deltas; a zero
// delta is left out), status, identity (left out = unchanged)}]. Returns moved.
UNWIND $rows AS d
MATCH (m:Member {id: d.id})
SET m.packages = coalesce(m.packages, 0) + coalesce(d.packages, 0),
    m.quota = coalesce(m.quota, 0) + coalesce(d.quota, 0),
    m.agent_referrals = coalesce(m.agent_referrals, 0) + coalesce(d.agent_referrals, 0),
    m.team_orders = coalesce(m.team_orders, 0) + coalesce(d.team_orders, 0),
    m.team_sales = coalesce(m.team_sales, 0) + coalesce(d.team_sales, 0),
    m.shares_milli = coalesce(m.shares_milli, 0) + coalesce(d.shares_milli, 0),
    m.status = coalesce(d.status, m.status),
    m.identity = coalesce(d.identity, m.identity)
RETURN count(m) AS moved
