// A member's statement (graph/ledger/statements.py): every entry of member $id, with whether it is a
// release of the mutual fund. Returns the entry's fields (id, seq, rule, status, amount
// (cents), explanation, beneficiary_id, pool, order_id, period, at, plan_version, reverses,
// refund_id, points) and release.
// $archived: periods whose entries are read from the archive (left out here).
MATCH (e:Entry {beneficiary_id: $id})
WHERE NOT coalesce(e.period, '') IN $archived
RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.explanation AS explanation, e.beneficiary_id AS beneficiary_id, e.pool AS pool,
       e.order_id AS order_id, e.period AS period, e.at AS at, e.plan_version AS plan_version,
       e.reverses AS reverses, e.refund_id AS refund_id, e.points AS points,
       (e.rule = 'withdrawal' AND e.explanation STARTS WITH 'released ') AS release
