// Entries of closed period runs by id ($ids: ids a refund may reverse, e.g.
// 'period:2026-11:level:o1#0'; missing ids give no row), each with the cents earlier refunds
// already reversed of it (reversed ≤ 0). Returns id, seq, rule, status, amount, beneficiary_id,
// pool, plan_version, period, reversed.
// $archived: periods whose entries are read from the archive (left out here).
UNWIND $ids AS wanted
MATCH (e:Entry {id: wanted})
WHERE NOT coalesce(e.period, '') IN $archived
OPTIONAL MATCH (r:Entry {reverses: wanted})
WHERE NOT coalesce(r.period, '') IN $archived
RETURN e.id AS id, e.seq AS seq, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.beneficiary_id AS beneficiary_id, e.pool AS pool, e.plan_version AS plan_version,
       e.period AS period, coalesce(sum(r.amount), 0) AS reversed
