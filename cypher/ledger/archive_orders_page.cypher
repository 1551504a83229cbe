// A page of the orders marked for the archive of $period, by id after $after ('' = from the
// start), at most $limit: the order's recorded fields (amount in cents, at in epoch ms) and the
// flags the closes and refunds read (effects: whether its modules' effects were booked;
// imported: brought in by an import, true or null).
MATCH (o:Order {archive: $period})
WHERE o.id > $after
RETURN o.id AS id, o.buyer_id AS buyer_id, o.amount AS amount, o.referrer_id AS referrer_id, o.at AS at,
       o.period AS period, o.plan_version AS plan_version, o.effects IS NOT NULL AS effects, o.settle AS settle,
       o.settle_in AS settle_in, o.closed_in AS closed_in, o.level_closed AS level_closed,
       o.pools_closed AS pools_closed, o.imported AS imported
ORDER BY id
LIMIT $limit
