// A page of the ledger: the entries of order $order_id, filtered by $member_id, $order_id, $period,
// $rule (each null = any), in the ledger's stable order (at, source, seq) after the cursor
// ($after_at, $after_source, $after_seq; null = from the start), at most $first rows.
// Returns the entries' fields (amount in cents, at in epoch ms) and source (the id before '#').
// $archived: periods whose entries are read from the archive (left out here).
MATCH (e:Entry {order_id: $order_id})
WITH e, split(e.id, '#')[0] AS source
WHERE NOT coalesce(e.period, '') IN $archived
  AND ($member_id IS NULL OR e.beneficiary_id = $member_id)
  AND ($order_id IS NULL OR e.order_id = $order_id)
  AND ($period IS NULL OR e.period = $period)
  AND ($rule IS NULL OR e.rule = $rule)
  AND ($after_at IS NULL OR e.at > $after_at
       OR (e.at = $after_at AND (source > $after_source OR (source = $after_source AND e.seq > $after_seq))))
RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.explanation AS explanation, e.beneficiary_id AS beneficiary_id, e.pool AS pool,
       e.order_id AS order_id, e.period AS period, e.at AS at, e.plan_version AS plan_version,
       e.points AS points, e.reverses AS reverses, e.refund_id AS refund_id, source
ORDER BY at, source, seq
LIMIT $first
