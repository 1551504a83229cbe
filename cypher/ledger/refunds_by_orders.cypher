// The refunds of orders, for DataLoaders: one row per refund (amount in cents, at in epoch ms),
// oldest first.
UNWIND $ids AS wanted
MATCH (r:Refund {order_id: wanted})
RETURN r.id AS id, r.order_id AS order_id, r.amount AS amount, r.reason AS reason, r.at AS at,
       r.period AS period, r.plan_version AS plan_version
ORDER BY r.at, r.id
