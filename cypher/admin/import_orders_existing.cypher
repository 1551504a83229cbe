// Import: the orders among $ids that are already recorded (a re-run skips them).
// Returns id, buyer_id, amount (cents), at, referrer_id.
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})
RETURN o.id AS id, o.buyer_id AS buyer_id, o.amount AS amount, o.at AS at, o.referrer_id AS referrer_id
