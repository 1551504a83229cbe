// Import: the member counters historical orders move, from $rows: [{id, packages, quota
// (cents), agent_referrals, team_orders, team_sales (cents), shares_milli (deltas), status,
// identity (null = unchanged)}]. Returns moved.
UNWIND $rows AS d
MATCH (m:Member {id: d.id})
SET m.packages = coalesce(m.packages, 0) + d.packages,
    m.quota = coalesce(m.quota, 0) + d.quota,
    m.quota_used = coalesce(m.quota_used, 0),
    m.agent_referrals = coalesce(m.agent_referrals, 0) + d.agent_referrals,
    m.team_orders = coalesce(m.team_orders, 0) + d.team_orders,
    m.team_sales = coalesce(m.team_sales, 0) + d.team_sales,
    m.shares_milli = coalesce(m.shares_milli, 0) + d.shares_milli,
    m.paid = coalesce(m.paid, 0), m.frozen = coalesce(m.frozen, 0), m.burned = coalesce(m.burned, 0),
    m.withdrawn = coalesce(m.withdrawn, 0),
    m.status = coalesce(d.status, m.status),
    m.identity = coalesce(d.identity, m.identity)
RETURN count(m) AS moved
