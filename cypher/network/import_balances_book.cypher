// Import: books opening balances, from $rows: [{id (the member), paid, frozen, quota_used
// (cents), points (ten-thousandths), entries}] — the counters move by what the entries say
// (`opening_balance` PAID and FROZEN; the PAID one carries quota_used, points and
// opening_frozen). $entries rows as graph.ledger.entry_rows. Returns booked.
UNWIND $rows AS d
MATCH (m:Member {id: d.id})
SET m.paid = coalesce(m.paid, 0) + d.paid, m.frozen = coalesce(m.frozen, 0) + d.frozen,
    m.quota_used = coalesce(m.quota_used, 0) + d.quota_used, m.points = coalesce(m.points, 0) + d.points,
    m.withdrawn = coalesce(m.withdrawn, 0), m.burned = coalesce(m.burned, 0)
WITH m, d
UNWIND d.entries AS e
CREATE (x:Entry {id: e.id, seq: e.seq, rule: e.rule, status: e.status, amount: e.amount,
                 explanation: e.explanation, beneficiary_id: e.beneficiary_id, pool: e.pool,
                 order_id: e.order_id, period: e.period, at: e.at, plan_version: e.plan_version,
                 points: e.points, quota_used: e.quota_used, opening_frozen: e.opening_frozen})
CREATE (x)-[:TO]->(m)
RETURN count(x) AS booked
