// A page of the entries of period $period for the archive move, by id after $after ('' = from
// the start), at most $limit: every property the ledger writer sets (amount in cents).
MATCH (e:Entry {period: $period})
WHERE e.id > $after
RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.explanation AS explanation, e.beneficiary_id AS beneficiary_id, e.pool AS pool,
       e.order_id AS order_id, e.period AS period, e.at AS at, e.plan_version AS plan_version,
       e.points AS points, e.reverses AS reverses, e.refund_id AS refund_id, e.quota_used AS quota_used
ORDER BY id
LIMIT $limit
