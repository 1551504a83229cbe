// Payouts and statements (graph/ledger/payouts.py): every entry that pays a member or holds money for
// it (PAID, FROZEN), with whether it is a release of the mutual fund. Returns member_id, rule,
// status, amount (cents), period, at, reverses, release.
// $archived: periods whose entries are read from the archive (left out here).
MATCH (e:Entry)
WHERE e.beneficiary_id IS NOT NULL AND NOT coalesce(e.period, '') IN $archived AND e.status IN ['PAID', 'FROZEN']
RETURN e.beneficiary_id AS member_id, e.rule AS rule, e.status AS status, e.amount AS amount,
       e.period AS period, e.at AS at, e.reverses AS reverses,
       (e.rule = 'withdrawal' AND e.explanation STARTS WITH 'released ') AS release
