// Every entry of order $order_id (its allocation and the reversals of earlier refunds), for a
// refund: id, seq, rule, status, amount (cents), beneficiary_id, pool, plan_version and
// reverses (the id of the entry a reversal reverses; null for the allocation's own entries).
// $archived: periods whose entries are read from the archive (left out here).
MATCH (e:Entry {order_id: $order_id})
WHERE NOT coalesce(e.period, '') IN $archived
RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.beneficiary_id AS beneficiary_id, e.pool AS pool, e.plan_version AS plan_version,
       e.reverses AS reverses
