// A page of the refunds marked for the archive of $period, by id after $after ('' = from the
// start), at most $limit (amount in cents, at in epoch ms, entries: how many it booked).
MATCH (r:Refund {archive: $period})
WHERE r.id > $after
RETURN r.id AS id, r.order_id AS order_id, r.amount AS amount, r.reason AS reason, r.at AS at,
       r.period AS period, r.plan_version AS plan_version, r.entries AS entries
ORDER BY id
LIMIT $limit
