// Orders by id, for DataLoaders: one row per known id with its stored fields
// (amount and refunded in cents, at in epoch ms).
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})
RETURN o.id AS id, o.buyer_id AS buyer_id, o.amount AS amount, o.referrer_id AS referrer_id,
       o.at AS at, o.period AS period, o.plan_version AS plan_version, coalesce(o.refunded, 0) AS refunded
