// The ledger entries of orders, for DataLoaders: one row per entry, in booking order
// (amount in cents, at in epoch ms).
// $archived: periods whose entries are read from the archive (left out here).
UNWIND $ids AS wanted
MATCH (e:Entry {order_id: wanted})
WHERE NOT coalesce(e.period, '') IN $archived
RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.explanation AS explanation, e.beneficiary_id AS beneficiary_id, e.pool AS pool,
       e.order_id AS order_id, e.period AS period, e.at AS at, e.plan_version AS plan_version,
       e.points AS points, e.reverses AS reverses, e.refund_id AS refund_id
ORDER BY order_id, e.seq
